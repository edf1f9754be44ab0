package org.waymark.platform.testing;

import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

/**
 * Bundles for tests of what the platform decides from a bundle's name, location and headers (is it a plugin, is it
 * approved): version 1.0.0 unless given, active, equal only to itself; any other call answers null.
 */
public final class FakeBundles {
    private FakeBundles() {
    }

    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong(1000);

    /** The headers the build gives every bundle of the distribution (the parent POM's bnd instructions). */
    public static final Map<String, String> CORE = Map.of("Waymark-Core", "true");

    public static Bundle bundle(String name, String location, Map<String, String> headers) {
        return bundle(name, location, headers, "1.0.0");
    }

    /** An active bundle of this version, with an id of its own. */
    public static Bundle bundle(String name, String location, Map<String, String> headers, String version) {
        Hashtable<String, String> dictionary = new Hashtable<>(headers);
        long id = IDS.incrementAndGet();
        return (Bundle) Proxy.newProxyInstance(FakeBundles.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> name;
                    case "getLocation" -> location;
                    case "getVersion" -> Version.parseVersion(version);
                    case "getBundleId" -> id;
                    case "getState" -> Bundle.ACTIVE;
                    case "getHeaders" -> dictionary;
                    case "hashCode" -> name.hashCode();
                    case "equals" -> proxy == args[0];
                    case "toString" -> name;
                    default -> null;
                });
    }
}
