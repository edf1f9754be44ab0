package org.waymark.fhir.internal;

import ca.uhn.fhir.parser.IParser;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.ws.rs.core.MultivaluedMap;
import org.waymark.api.error.WaymarkException;

/**
 * The part of each resource a caller asked for with FHIR's {@code _summary} or {@code _elements} (search 3.1.1.5.8
 * and 3.1.1.5.9): a GP system polling hundreds of Tasks needs their status, not their every element, and a count of
 * matches needs no resources at all. HAPI's encoder leaves out the rest and marks what it subsetted (meta.tag
 * SUBSETTED), so a client never takes a subset for the whole resource.
 *
 * @param summary  FHIR's {@code _summary} code; {@link Summary#FALSE} when not asked for
 * @param elements the element names {@code _elements} listed, empty when not asked for
 */
record ResponseSubset(Summary summary, Set<String> elements) {
    static final ResponseSubset WHOLE = new ResponseSubset(Summary.FALSE, Set.of());
    /** The request parameters that ask for a subset: every read and search understands them. */
    static final Set<String> PARAMETERS = Set.of("_summary", "_elements");
    /** An element name as FHIR spells one: letters and digits, a choice element's [x] never named so. */
    private static final Pattern ELEMENT = Pattern.compile("[a-z][A-Za-z0-9]{0,63}");
    private static final int MAX_ELEMENTS = 50;
    /** What _summary=text keeps, as HAPI's own server asks its encoder for it. */
    private static final Set<String> TEXT = Set.of("*.text", "*.id", "*.meta", "*.(mandatory)");

    enum Summary {
        TRUE("true"), TEXT("text"), DATA("data"), COUNT("count"), FALSE("false");

        private final String code;

        Summary(String code) {
            this.code = code;
        }

        static Summary of(String code) {
            for (Summary summary : values()) {
                if (summary.code.equals(code)) {
                    return summary;
                }
            }
            throw WaymarkException.invalid("_summary must be one of true, text, data, count, false (got " + Messages.safe(code) + ")");
        }
    }

    ResponseSubset {
        elements = Set.copyOf(elements);
    }

    /** What the query asks for; refuses codes FHIR does not define, malformed element names and both at once. */
    static ResponseSubset of(MultivaluedMap<String, String> query) {
        List<String> summaries = query.get("_summary");
        List<String> elementLists = query.get("_elements");
        if (summaries == null && elementLists == null) {
            return WHOLE;
        }
        if (summaries != null && summaries.size() > 1 || elementLists != null && elementLists.size() > 1) {
            throw WaymarkException.invalid("_summary and _elements may each be given once");
        }
        if (summaries != null && elementLists != null) {
            // FHIR leaves the combination undefined; refusing it beats choosing one silently.
            throw WaymarkException.invalid("Give either _summary or _elements, not both");
        }
        if (summaries != null) {
            return new ResponseSubset(Summary.of(summaries.get(0).strip()), Set.of());
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : elementLists.get(0).split(",")) {
            String element = name.strip();
            if (!ELEMENT.matcher(element).matches()) {
                throw WaymarkException.invalid("_elements lists element names separated by commas, such as status,subject (got "
                        + Messages.safe(element) + ")");
            }
            names.add(element);
        }
        if (names.size() > MAX_ELEMENTS) {
            throw WaymarkException.invalid("_elements may list at most " + MAX_ELEMENTS + " elements");
        }
        return new ResponseSubset(Summary.FALSE, names);
    }

    boolean whole() {
        return summary == Summary.FALSE && elements.isEmpty();
    }

    boolean countOnly() {
        return summary == Summary.COUNT;
    }

    /**
     * Sets the encoder up for this subset, of the resources themselves or, in a searchset, of its entries' resources
     * (the Bundle's own paging and total are always whole).
     */
    IParser configure(IParser parser, boolean ofBundleEntries) {
        switch (summary) {
            case TRUE -> parser.setSummaryMode(true);
            case DATA -> parser.setSuppressNarratives(true);
            case TEXT -> parser.setEncodeElements(TEXT);
            case COUNT -> {
                // A searchset of a count holds no entries (see Searches); anything else is encoded whole.
            }
            case FALSE -> {
                if (!elements.isEmpty()) {
                    // FHIR: servers SHOULD return the mandatory elements whether asked for or not (a Task without its
                    // intent is no valid Task).
                    Set<String> paths = new LinkedHashSet<>(Set.of("*.(mandatory)"));
                    elements.forEach(element -> paths.add("*." + element));
                    parser.setEncodeElements(paths);
                }
            }
        }
        if (ofBundleEntries && summary != Summary.COUNT) {
            parser.setEncodeElementsAppliesToChildResourcesOnly(true);
        }
        return parser;
    }
}
