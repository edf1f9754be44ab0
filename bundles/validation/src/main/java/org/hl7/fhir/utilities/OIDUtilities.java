package org.hl7.fhir.utilities;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.exceptions.FHIRException;

/**
 * Waymark's stand-in for the class of the same name in org.hl7.fhir.utilities (HAPI FHIR 8.8.1), with the same public
 * API and answers. It comes first on this bundle's class path, so the embedded library's copy is never loaded.
 *
 * <p>Why: HAPI builds a new {@code InstanceValidator} for every validation, and its constructor creates an
 * {@code OIDUtilities}, whose constructor parsed the library's 1.5 MB {@code oidregistry.csv} into a map each time.
 * Measured on this machine, that parse was half of all validation time, and validation runs after every referral.
 * Here the registry is read once per class loader and shared; the instances only ever ask whether it holds an OID.
 *
 * <p>{@code OidUtilitiesPatchTest} compares the API and the answers with the library's own class; on a HAPI upgrade
 * it fails if either has changed, and this class must then be brought in line or removed.
 */
public class OIDUtilities {
    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");
    private static final String OID_URN = "urn:oid:";
    /** The OIDs that the validator turns into the FHIR code system URIs it knows. */
    private static final Map<String, String> CODE_SYSTEM_URIS = Map.ofEntries(
            Map.entry("2.16.840.1.113883.6.96", "http://snomed.info/sct"),
            Map.entry("2.16.840.1.113883.6.1", "http://loinc.org"),
            Map.entry("2.16.840.1.113883.6.8", "http://unitsofmeasure.org"),
            Map.entry("2.16.840.1.113883.6.3", "http://hl7.org/fhir/sid/icd-10"),
            Map.entry("2.16.840.1.113883.6.42", "http://hl7.org/fhir/sid/icd-9"),
            Map.entry("2.16.840.1.113883.6.104", "http://hl7.org/fhir/sid/icd-9"),
            Map.entry("2.16.840.1.113883.6.103", "http://hl7.org/fhir/sid/icd-9"),
            Map.entry("2.16.840.1.113883.6.73", "http://www.whocc.no/atc"),
            Map.entry("2.16.840.1.113883.3.26.1.1", "http://ncimeta.nci.nih.gov"),
            Map.entry("2.16.840.1.113883.3.26.1.1.1", "http://ncimeta.nci.nih.gov"),
            Map.entry("2.16.840.1.113883.6.88", "http://www.nlm.nih.gov/research/umls/rxnorm"),
            Map.entry("2.16.840.1.113883.6.59", "http://hl7.org/fhir/sid/cvx"),
            Map.entry("2.16.840.1.113883.12.292", "http://hl7.org/fhir/sid/cvx"),
            Map.entry("2.16.840.1.113883.6.12", "http://www.ama-assn.org/go/cpt"));

    /** One entry of the registry, as the library's class describes it. */
    public static class OIDInfo {
        private String oid;
        private String name;
        private String codeSystem;
        private Integer type;

        public String getOid() {
            return oid;
        }

        public void setOid(String oid) {
            this.oid = oid;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getCodeSystem() {
            return codeSystem;
        }

        public void setCodeSystem(String codeSystem) {
            this.codeSystem = codeSystem;
        }

        public Integer getType() {
            return type;
        }

        public void setType(Integer type) {
            this.type = type;
        }

        @Override
        public String toString() {
            return "OID: " + oid + ", Name: " + name + ", CodeSystem: " + codeSystem + ", Type: " + type;
        }
    }

    private final Set<String> known;

    public OIDUtilities() {
        known = Registry.known();
    }

    public static String getUriForOid(String oid) {
        return oid == null ? null : CODE_SYSTEM_URIS.get(oid);
    }

    public static String oidTail(String id) {
        if (id == null || !id.contains(".")) {
            return id;
        }
        return id.substring(id.lastIndexOf('.') + 1);
    }

    public static String oidRoot(String id) {
        if (id == null || !id.contains(".")) {
            return id;
        }
        return id.substring(0, id.indexOf('.'));
    }

    public static boolean isValidOID(String oid) {
        return OID.matcher(oid).matches();
    }

    public boolean isKnownOID(String url) {
        return url != null && url.startsWith(OID_URN) && known.contains(url.substring(OID_URN.length()));
    }

    /** The registry, read on first use; a failed read is retried by the next instance, as the library's would be. */
    private static final class Registry {
        private static volatile Set<String> loaded;

        static Set<String> known() {
            Set<String> set = loaded;
            if (set == null) {
                synchronized (Registry.class) {
                    set = loaded;
                    if (set == null) {
                        set = read();
                        loaded = set;
                    }
                }
            }
            return set;
        }

        private static Set<String> read() {
            Set<String> oids = new HashSet<>();
            InputStream in = OIDUtilities.class.getClassLoader().getResourceAsStream("oidregistry.csv");
            if (in == null) {
                throw new FHIRException("oidregistry.csv is not on the class path");
            }
            // The platform charset and the same line rules as the library: header skipped, lines of fewer than
            // four fields ignored, a type that is not a number fails the load.
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, Charset.defaultCharset()))) {
                reader.readLine();
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    String[] parts = line.split(",");
                    if (parts.length >= 4) {
                        Integer.parseInt(parts[1].trim());
                        oids.add(parts[0].trim());
                    }
                }
            } catch (IOException | RuntimeException e) {
                throw new FHIRException(e);
            }
            return Set.copyOf(oids);
        }
    }
}
