package org.waymark.validation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hl7.fhir.utilities.OIDUtilities;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Waymark's {@link OIDUtilities} stands in for the library's (it reads the OID registry once instead of at every
 * validation): same public API, same answers, compared here with the library's own class loaded from its jar.
 */
class OidUtilitiesPatchTest {
    private static final String CLASS_FILE = "org/hl7/fhir/utilities/OIDUtilities.class";
    private static URLClassLoader library;
    private static Class<?> original;

    @BeforeAll
    static void loadTheLibrarysClass() throws Exception {
        URL jar = Collections.list(OidUtilitiesPatchTest.class.getClassLoader().getResources(CLASS_FILE)).stream()
                .filter(url -> url.getProtocol().equals("jar"))
                .findFirst().orElseThrow(() -> new AssertionError("the library's OIDUtilities is not on the test class path"));
        URL jarFile = ((JarURLConnection) jar.openConnection()).getJarFileURL();
        library = new URLClassLoader(new URL[] {jarFile}, null);
        original = library.loadClass(OIDUtilities.class.getName());
    }

    @AfterAll
    static void close() throws Exception {
        library.close();
    }

    @Test
    void theStandInIsTheClassThatIsLoaded() {
        URL loaded = OIDUtilities.class.getProtectionDomain().getCodeSource().getLocation();
        assertTrue(!loaded.toString().endsWith(".jar"), "Waymark's class comes first, not the library's: " + loaded);
        assertNotEquals(original, OIDUtilities.class);
    }

    @Test
    void itHasTheLibrarysPublicApi() throws Exception {
        assertEquals(publicApi(original), publicApi(OIDUtilities.class));
        assertEquals(publicApi(library.loadClass(OIDUtilities.OIDInfo.class.getName())), publicApi(OIDUtilities.OIDInfo.class));
    }

    @Test
    void itKnowsExactlyTheOidsTheLibraryKnows() throws Exception {
        Object theirs = original.getConstructor().newInstance();
        Method theirKnown = original.getMethod("isKnownOID", String.class);
        OIDUtilities ours = new OIDUtilities();
        List<String> probes = new ArrayList<>(List.of("urn:oid:2.16.840.1.113883.2.1.4.1", "urn:oid:1.2.3.4.5.6.7.8.9.999",
                "2.16.840.1.113883.6.96", "urn:oid:", "urn:uuid:2.16.840.1.113883.6.96", ""));
        int registered = 0;
        try (BufferedReader csv = new BufferedReader(new InputStreamReader(
                original.getClassLoader().getResourceAsStream("oidregistry.csv"), StandardCharsets.UTF_8))) {
            for (String line = csv.readLine(); line != null; line = csv.readLine()) {
                String oid = line.split(",")[0].trim();
                probes.add("urn:oid:" + oid);
                probes.add("urn:oid:" + oid + ".1");
                registered++;
            }
        }
        assertTrue(registered > 1000, "the registry was read: " + registered + " lines");
        int known = 0;
        for (String probe : probes) {
            boolean expected = (Boolean) theirKnown.invoke(theirs, probe);
            assertEquals(expected, ours.isKnownOID(probe), probe);
            known += expected ? 1 : 0;
        }
        assertEquals(false, ours.isKnownOID(null));
        assertTrue(known > 1000, "most registered OIDs are known: " + known);
    }

    @Test
    void itsStaticAnswersAreTheLibrarys() throws Exception {
        List<String> ids = List.of("2.16.840.1.113883.6.96", "2.16.840.1.113883.6.1", "2.16.840.1.113883.6.8",
                "2.16.840.1.113883.6.3", "2.16.840.1.113883.6.42", "2.16.840.1.113883.6.104", "2.16.840.1.113883.6.103",
                "2.16.840.1.113883.6.73", "2.16.840.1.113883.3.26.1.1", "2.16.840.1.113883.3.26.1.1.1",
                "2.16.840.1.113883.6.88", "2.16.840.1.113883.6.59", "2.16.840.1.113883.12.292", "2.16.840.1.113883.6.12",
                "2.16.840.1.113883.2.1.4.1", "1.2", "3.1", "0", "2.01", "2.0.1", "2..1", "2.16.", "abc", "", "1");
        for (String id : ids) {
            for (String method : List.of("getUriForOid", "oidTail", "oidRoot")) {
                assertEquals(original.getMethod(method, String.class).invoke(null, id),
                        OIDUtilities.class.getMethod(method, String.class).invoke(null, id), method + "(" + id + ")");
            }
            assertEquals(original.getMethod("isValidOID", String.class).invoke(null, id), OIDUtilities.isValidOID(id), id);
        }
        for (String method : List.of("getUriForOid", "oidTail", "oidRoot")) {
            assertEquals(original.getMethod(method, String.class).invoke(null, (Object) null),
                    OIDUtilities.class.getMethod(method, String.class).invoke(null, (Object) null), method + "(null)");
        }
    }

    private static TreeSet<String> publicApi(Class<?> type) {
        TreeSet<String> api = new TreeSet<>();
        Stream.concat(Arrays.stream(type.getDeclaredMethods()), Arrays.stream(type.getDeclaredConstructors()))
                .filter(member -> Modifier.isPublic(member.getModifiers()))
                .forEach(member -> api.add(describe(member)));
        api.add("extends " + type.getSuperclass().getName() + ", modifiers " + Modifier.toString(type.getModifiers()));
        return api;
    }

    private static String describe(Executable member) {
        String returns = member instanceof Method method ? method.getReturnType().getName() : "<init>";
        return Modifier.toString(member.getModifiers()) + " " + returns + " " + member.getName()
                + Arrays.stream(member.getParameterTypes()).map(Class::getName).toList()
                + Arrays.stream(member.getExceptionTypes()).map(Class::getName).sorted().toList()
                + (member instanceof Constructor<?> ? "" : "");
    }
}
