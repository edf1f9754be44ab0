package org.waymark.platform.internal;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;

/**
 * The framework's view for code that listens to bundles: its bundles, the listeners added through its context, and
 * events the test fires to them. Real trackers run against it (BundlesStartedTest), over Java proxies.
 */
final class ProxyFramework {
    final List<Bundle> bundles = new ArrayList<>();
    /** Added and removed by the test's threads while another fires events. */
    final List<BundleListener> listeners = new CopyOnWriteArrayList<>();

    BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundles" -> bundles.toArray(new Bundle[0]);
                    case "addBundleListener" -> listeners.add((BundleListener) args[0]);
                    case "removeBundleListener" -> listeners.remove(args[0]);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    void fire(int type, Bundle bundle) {
        List.copyOf(listeners).forEach(listener -> listener.bundleChanged(new BundleEvent(type, bundle)));
    }

    /** A bundle with this id and state, installed in this framework. */
    ProxyBundle installed(long id, int state) {
        ProxyBundle bundle = new ProxyBundle(this, id, state);
        bundles.add(bundle.bundle());
        return bundle;
    }

    /** A bundle whose state the test sets; a context only from STARTING on, as in Felix. */
    static final class ProxyBundle {
        final long id;
        int state;
        final Hashtable<String, String> headers = new Hashtable<>();
        private final ProxyFramework framework;

        ProxyBundle(ProxyFramework framework, long id, int state) {
            this.framework = framework;
            this.id = id;
            this.state = state;
        }

        Bundle bundle() {
            return (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getBundleId" -> id;
                        case "getState" -> state;
                        case "getSymbolicName" -> "bundle-" + id;
                        case "getHeaders" -> headers;
                        case "getBundleContext" -> (state & (Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) != 0
                                ? framework.context() : null;
                        case "hashCode" -> Long.hashCode(id);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "bundle-" + id;
                        default -> null;
                    });
        }
    }
}
