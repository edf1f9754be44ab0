package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * A database migration, once on main, is never edited or removed: nodes that ran it keep its checksum, and Liquibase
 * refuses to start a node whose changelog no longer matches what its database ran (or, had that check been turned off,
 * an edit would never reach them). So every changeset of every bundle is recorded in {@code released-changesets.txt}
 * with a digest of its content (comments and layout aside), and this test fails on an edited, removed or unrecorded
 * one. A new changeset is recorded by adding the line the failure prints.
 */
class MigrationHistoryTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path RECORD = Path.of(System.getProperty("user.dir"), "src/test/resources/released-changesets.txt");

    @Test
    void noReleasedChangesetIsEditedOrRemovedAndEveryOneIsRecorded() throws Exception {
        Map<String, String> current = changesets();
        Map<String, String> recorded = recorded();
        assertThat(current).as("changesets found under bundles/*/src/main/resources/db").hasSizeGreaterThan(20);

        List<String> problems = new ArrayList<>();
        recorded.forEach((key, digest) -> {
            if (!current.containsKey(key)) {
                problems.add("removed: " + key + " (a database that ran it keeps it; add a new changeset that undoes it instead)");
            } else if (!current.get(key).equals(digest)) {
                problems.add("edited after it was recorded: " + key + " (nodes that ran it would not start; put the change "
                        + "in a new changeset)");
            }
        });
        current.forEach((key, digest) -> {
            if (!recorded.containsKey(key)) {
                problems.add("not recorded yet, add this line to " + ROOT.relativize(RECORD) + ": " + key + " " + digest);
            }
        });
        assertThat(problems).as("changesets compared with " + RECORD.getFileName()).isEmpty();
    }

    @Test
    void theDigestIgnoresCommentsAndLayoutButNotContent() throws Exception {
        String plain = "<databaseChangeLog><changeSet id=\"1\" author=\"a\"><addColumn tableName=\"t\"><column name=\"c\" "
                + "type=\"int\"/></addColumn></changeSet></databaseChangeLog>";
        String commented = "<databaseChangeLog>\n  <changeSet author=\"a\" id=\"1\">\n    <!-- why -->\n    <addColumn "
                + "tableName=\"t\">\n      <column type=\"int\" name=\"c\"/>\n    </addColumn>\n  </changeSet>\n</databaseChangeLog>";
        String changed = plain.replace("int", "bigint");
        assertThat(digests(plain)).isEqualTo(digests(commented));
        assertThat(digests(plain)).isNotEqualTo(digests(changed));
    }

    private static Map<String, String> changesets() throws IOException {
        Map<String, String> all = new TreeMap<>();
        try (Stream<Path> bundles = Files.list(ROOT.resolve("bundles"))) {
            for (Path bundle : bundles.sorted().toList()) {
                Path db = bundle.resolve("src/main/resources/db");
                if (!Files.isDirectory(db)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(db)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".xml")).sorted().toList()) {
                        String name = bundle.getFileName() + "/" + file.getFileName();
                        digests(Files.readString(file)).forEach((id, digest) -> all.put(name + "::" + id, digest));
                    }
                }
            }
        }
        return all;
    }

    private static Map<String, String> recorded() throws IOException {
        Map<String, String> recorded = new LinkedHashMap<>();
        for (String line : Files.readAllLines(RECORD)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] parts = line.strip().split(" ");
                assertThat(parts).as("line: " + line).hasSize(2);
                assertThat(recorded.put(parts[0], parts[1])).as("recorded twice: " + parts[0]).isNull();
            }
        }
        return recorded;
    }

    /** Each changeset's id and author, with the digest of its canonical content. */
    private static Map<String, String> digests(String changelog) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element root = factory.newDocumentBuilder()
                    .parse(new java.io.ByteArrayInputStream(changelog.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
            Map<String, String> digests = new TreeMap<>();
            for (Node child = root.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (child instanceof Element changeSet && changeSet.getTagName().equals("changeSet")) {
                    StringBuilder canonical = new StringBuilder();
                    canonical(changeSet, canonical);
                    digests.put(changeSet.getAttribute("id") + "::" + changeSet.getAttribute("author"), sha256(canonical.toString()));
                }
            }
            return digests;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read a changelog: " + e.getMessage(), e);
        }
    }

    /** The element's name, its attributes in name order and its children; comments left out, text with layout collapsed. */
    private static void canonical(Element element, StringBuilder out) {
        out.append('<').append(element.getTagName());
        NamedNodeMap attributes = element.getAttributes();
        Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < attributes.getLength(); i++) {
            sorted.put(attributes.item(i).getNodeName(), attributes.item(i).getNodeValue());
        }
        sorted.forEach((name, value) -> out.append(' ').append(name).append("=\"").append(value).append('"'));
        out.append('>');
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element nested) {
                canonical(nested, out);
            } else if (child.getNodeType() == Node.TEXT_NODE || child.getNodeType() == Node.CDATA_SECTION_NODE) {
                String text = child.getNodeValue().strip().replaceAll("\\s+", " ");
                if (!text.isEmpty()) {
                    out.append(text);
                }
            }
        }
        out.append("</").append(element.getTagName()).append('>');
    }

    private static String sha256(String text) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
