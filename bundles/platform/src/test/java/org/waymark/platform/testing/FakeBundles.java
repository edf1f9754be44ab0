package org.waymark.platform.testing;

import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

/**
 * Bundles for tests of what the platform decides from a bundle's name, location and headers (is it a plugin, is it
 * approved): version 1.0.0, equal only to itself; any other call answers null.
 */
public final class FakeBundles {
    private FakeBundles() {
    }

    public static Bundle bundle(String name, String location, Map<String, String> headers) {
        Hashtable<String, String> dictionary = new Hashtable<>(headers);
        return (Bundle) Proxy.newProxyInstance(FakeBundles.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> name;
                    case "getLocation" -> location;
                    case "getVersion" -> Version.parseVersion("1.0.0");
                    case "getHeaders" -> dictionary;
                    case "hashCode" -> name.hashCode();
                    case "equals" -> proxy == args[0];
                    case "toString" -> name;
                    default -> null;
                });
    }
}
