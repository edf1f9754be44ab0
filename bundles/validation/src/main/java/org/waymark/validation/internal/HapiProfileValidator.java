package org.waymark.validation.internal;

import java.util.function.Supplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.validation.ProfileValidator;
import org.waymark.api.validation.ValidationReport;
import org.waymark.api.validation.ValidationRequest;

/**
 * The profile validator service. The engine (HAPI's validator with the R4 definitions: seconds of loading, some
 * hundred MB of heap) is built on first use, not at activation, so this bundle costs nothing at start-up and a node
 * that never validates never pays for it; the first validation after a start waits for it.
 */
@Component(service = ProfileValidator.class)
public final class HapiProfileValidator implements ProfileValidator {
    private static final Logger LOG = LoggerFactory.getLogger(HapiProfileValidator.class);

    private volatile ValidationEngine engine;

    @Activate
    public HapiProfileValidator() {
    }

    @Override
    public ValidationReport validate(ValidationRequest request) {
        ValidationEngine ready = engine();
        return withBundleClassLoader(() -> ready.validate(request));
    }

    private ValidationEngine engine() {
        ValidationEngine ready = engine;
        if (ready != null) {
            return ready;
        }
        synchronized (this) {
            if (engine == null) {
                long started = System.nanoTime();
                engine = withBundleClassLoader(ValidationEngine::new);
                LOG.info("FHIR profile validator ready in {} ms", (System.nanoTime() - started) / 1_000_000);
            }
            return engine;
        }
    }

    /** HAPI finds its definitions and caches through the thread context class loader: this bundle's, not the caller's. */
    private static <T> T withBundleClassLoader(Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(HapiProfileValidator.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
