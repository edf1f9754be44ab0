package org.waymark.platform.internal.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * What a {@code .kar} holds, read as a zip without running any of it: the Karaf features its repository declares and
 * the headers of the plugin bundle in it.
 *
 * @param features     each {@code name/version}
 * @param symbolicName the symbolic name of its plugin bundle (the one with {@code Waymark-Plugin}, else the first), or
 *                     null
 */
record KarContents(List<Feature> features, String symbolicName, String version, String name) {
    record Feature(String name, String version) {
    }

    /** @throws IOException when the file is not a zip, or holds no Karaf features */
    static KarContents read(Path kar) throws IOException {
        List<Feature> features = new ArrayList<>();
        Attributes plugin = null;
        try (ZipFile zip = new ZipFile(kar.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                String path = entry.getName();
                if (entry.isDirectory() || !path.startsWith("repository/")) {
                    continue;
                }
                if (path.endsWith(".xml")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        features.addAll(features(in));
                    }
                } else if (path.endsWith(".jar")) {
                    try (JarInputStream jar = new JarInputStream(zip.getInputStream(entry))) {
                        Manifest manifest = jar.getManifest();
                        Attributes main = manifest == null ? null : manifest.getMainAttributes();
                        if (main != null && main.getValue("Bundle-SymbolicName") != null && (plugin == null
                                || (plugin.getValue(PluginApprovals.PLUGIN_HEADER) == null && main.getValue(PluginApprovals.PLUGIN_HEADER) != null))) {
                            plugin = main;
                        }
                    }
                }
            }
        }
        if (features.isEmpty()) {
            throw new IOException("it declares no Karaf feature (a .kar holds a features file under repository/)");
        }
        if (plugin == null) {
            return new KarContents(features, null, null, null);
        }
        String symbolicName = plugin.getValue("Bundle-SymbolicName").split(";")[0].trim();
        String version = plugin.getValue("Bundle-Version") == null ? "0.0.0" : plugin.getValue("Bundle-Version").trim();
        return new KarContents(features, symbolicName, version, plugin.getValue("Bundle-Name"));
    }

    /** The features of a Karaf features file; another XML file of the repository (Maven metadata) has none. */
    private static List<Feature> features(InputStream xml) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setNamespaceAware(true);
            Element root = factory.newDocumentBuilder().parse(xml).getDocumentElement();
            List<Feature> features = new ArrayList<>();
            if (!"features".equals(root.getLocalName())) {
                return features;
            }
            NodeList children = root.getChildNodes();
            for (int i = 0; i < children.getLength(); i++) {
                if (children.item(i) instanceof Element feature && "feature".equals(feature.getLocalName())) {
                    String version = feature.getAttribute("version");
                    features.add(new Feature(feature.getAttribute("name"), version.isEmpty() ? "0.0.0" : version));
                }
            }
            return features;
        } catch (ParserConfigurationException | SAXException e) {
            return List.of(); // not a features file; Karaf would not read it either
        }
    }
}
