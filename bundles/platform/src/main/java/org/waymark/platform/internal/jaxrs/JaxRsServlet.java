package org.waymark.platform.internal.jaxrs;

import java.util.function.Supplier;
import javax.servlet.ServletException;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * A Jersey servlet whose resources change while it runs. Pax Web re-initialises servlets whenever it restarts its
 * context, so the current resources are applied after every init, and on every change after that.
 */
final class JaxRsServlet extends ServletContainer {
    private static final long serialVersionUID = 1L;
    private final transient Supplier<ResourceConfig> configuration;
    private volatile boolean initialised;

    JaxRsServlet(Supplier<ResourceConfig> configuration) {
        this.configuration = configuration;
    }

    @Override
    public void init() throws ServletException {
        withJerseyClassLoader(() -> {
            super.init();
            return null;
        });
        initialised = true;
        refresh();
    }

    /** Applies the current resources; before the first init there is nothing to reload (Jersey would fail). */
    void refresh() {
        if (!initialised) {
            return;
        }
        try {
            withJerseyClassLoader(() -> {
                reload(configuration.get());
                return null;
            });
        } catch (ServletException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void destroy() {
        initialised = false;
        super.destroy();
    }

    private interface Work {
        Object run() throws ServletException;
    }

    /** Jersey finds its injection manager through the thread context class loader. */
    private static void withJerseyClassLoader(Work work) throws ServletException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(JaxRsServlet.class.getClassLoader());
        try {
            work.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
