package org.waymark.platform.internal.jaxrs;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import org.glassfish.jersey.internal.ServiceFinder;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.glassfish.jersey.servlet.internal.spi.ServletContainerProvider;
import org.waymark.platform.internal.RequestActivity;

/**
 * A Jersey servlet whose resources change while it runs. Pax Web re-initialises servlets whenever it restarts its
 * context, so the current resources are applied after every init, and on every change after that.
 *
 * <p>Jersey's reload shuts the running application down, so requests must not be inside it meanwhile: requests hold
 * a read lock, a reload the write lock. A plugin coming or going delays requests for the few milliseconds of a
 * reload instead of failing them.
 */
final class JaxRsServlet extends ServletContainer {
    private static final long serialVersionUID = 1L;
    private final transient Supplier<ResourceConfig> configuration;
    private final transient ReadWriteLock lock = new ReentrantReadWriteLock(true);
    private final transient RequestActivity activity;
    private volatile boolean initialised;

    JaxRsServlet(Supplier<ResourceConfig> configuration, RequestActivity activity) {
        this.configuration = configuration;
        this.activity = activity;
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

    @Override
    public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        activity.started();
        lock.readLock().lock();
        try {
            super.service(request, response);
        } finally {
            lock.readLock().unlock();
            activity.ended();
        }
    }

    /** Applies the current resources; before the first init there is nothing to reload (Jersey would fail). */
    void refresh() {
        if (!initialised) {
            return;
        }
        lock.writeLock().lock();
        try {
            withJerseyClassLoader(() -> {
                reload(configuration.get());
                return null;
            });
        } catch (ServletException e) {
            throw new IllegalStateException(e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void destroy() {
        initialised = false;
        super.destroy();
    }

    /**
     * Initialises Jersey's service finder before any servlet can serve a request, instead of at the first request. On
     * its first use it walks every installed bundle, and a bundle uninstalled during that walk (the feature mix
     * uninstalls some right after boot, while the first health probes arrive) makes Felix throw inside the class
     * initialiser: the class then stays unusable for the life of the JVM and every route fails (FeatureMixIT, once, in
     * a CI pre-check). The JAX-RS host calls this as soon as Jersey's core bundle has started, while the features
     * are still being started and nothing is uninstalled. Answers the failure, if any, so that the caller can report
     * it and carry on: the lazy path is then no worse than before.
     */
    static Optional<Throwable> initialiseJersey() {
        try {
            withJerseyClassLoader(() -> ServiceFinder.find(ServletContainerProvider.class).toArray());
            return Optional.empty();
        } catch (ServletException | RuntimeException | LinkageError e) {
            return Optional.of(e);
        }
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
