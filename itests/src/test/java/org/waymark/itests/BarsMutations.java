package org.waymark.itests;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Structural mutations of an official BaRS message, one at a time: each entry left out, emptied or repeated, each
 * reference pointed at nothing, and every element of each name given an empty, an overlong and an impossible value.
 * Each mutant is a new message about a new referral (its own Bundle.id and source endpoint), judged on its own.
 */
final class BarsMutations {
    private static final String FHIR = "http://hl7.org/fhir";
    private static final List<String> ODD_VALUES = List.of("", "9".repeat(400), "2026-13-45T99:99:99Z");

    private static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";

    private final Path example;
    private final String nhsNumber = TestData.validNhsNumber();
    private final List<String> endpoints = new java.util.ArrayList<>();

    BarsMutations(Path example) {
        this.example = example;
    }

    /** The source endpoints the mutants send from, one each: the sending client must be registered with them. */
    List<String> endpoints() {
        return List.copyOf(endpoints);
    }

    /** Each mutant's name and its XML. */
    Map<String, String> mutants() throws IOException {
        Map<String, String> mutants = new java.util.LinkedHashMap<>();
        Document original = parse();
        int entries = children(original.getDocumentElement(), "entry").size();
        for (int i = 0; i < entries; i++) {
            int index = i;
            mutants.put("entry " + i + " left out", mutant(d -> remove(entry(d, index))));
            mutants.put("entry " + i + " without its resource", mutant(d -> children(entry(d, index), "resource").forEach(BarsMutations::remove)));
            mutants.put("entry " + i + " twice", mutant(d -> d.getDocumentElement().appendChild(entry(d, index).cloneNode(true))));
        }
        int references = original.getElementsByTagNameNS(FHIR, "reference").getLength();
        for (int i = 0; i < references; i++) {
            int index = i;
            mutants.put("reference " + i + " to nothing", mutant(d -> ((Element) d.getElementsByTagNameNS(FHIR, "reference").item(index))
                    .setAttribute("value", "urn:uuid:" + UUID.randomUUID())));
        }
        TreeSet<String> valued = new TreeSet<>();
        NodeList all = original.getElementsByTagNameNS(FHIR, "*");
        for (int i = 0; i < all.getLength(); i++) {
            if (((Element) all.item(i)).hasAttribute("value")) {
                valued.add(all.item(i).getLocalName());
            }
        }
        for (String name : valued) {
            for (String odd : ODD_VALUES) {
                mutants.put(name + "=\"" + (odd.length() > 12 ? odd.substring(0, 12) + "..." : odd) + "\"", mutant(d -> {
                    NodeList named = d.getElementsByTagNameNS(FHIR, name);
                    for (int i = 0; i < named.getLength(); i++) {
                        ((Element) named.item(i)).setAttribute("value", odd);
                    }
                }));
            }
        }
        return mutants;
    }

    private String mutant(Consumer<Document> change) throws IOException {
        Document document = parse();
        Element bundle = document.getDocumentElement();
        children(bundle, "id").forEach(id -> id.setAttribute("value", UUID.randomUUID().toString()));
        // A referral is the sender's by its source endpoint and the entry's fullUrl: a new endpoint makes a new
        // referral, so that no mutant is refused merely as a second "new" for the first one's referral.
        NodeList headers = document.getElementsByTagNameNS(FHIR, "MessageHeader");
        for (int i = 0; i < headers.getLength(); i++) {
            for (Element source : children((Element) headers.item(i), "source")) {
                String endpoint = "https://gp.example/mutant/" + UUID.randomUUID();
                endpoints.add(endpoint);
                children(source, "endpoint").forEach(e -> e.setAttribute("value", endpoint));
            }
        }
        // The mutants' patient is nobody else's, so that the referrals they create stay out of other tests' searches.
        NodeList identifiers = document.getElementsByTagNameNS(FHIR, "identifier");
        for (int i = 0; i < identifiers.getLength(); i++) {
            Element identifier = (Element) identifiers.item(i);
            if (children(identifier, "system").stream().anyMatch(sys -> NHS_NUMBER.equals(sys.getAttribute("value")))) {
                children(identifier, "value").forEach(v -> v.setAttribute("value", nhsNumber));
            }
        }
        change.accept(document);
        try {
            StringWriter xml = new StringWriter();
            TransformerFactory.newInstance().newTransformer().transform(new DOMSource(document), new StreamResult(xml));
            return xml.toString();
        } catch (TransformerException e) {
            throw new IOException(e);
        }
    }

    private Document parse() throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(example.toFile());
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException(e);
        }
    }

    private static Element entry(Document document, int index) {
        return children(document.getDocumentElement(), "entry").get(index);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && FHIR.equals(element.getNamespaceURI()) && name.equals(element.getLocalName())) {
                found.add(element);
            }
        }
        return found;
    }

    private static void remove(Node node) {
        node.getParentNode().removeChild(node);
    }
}
