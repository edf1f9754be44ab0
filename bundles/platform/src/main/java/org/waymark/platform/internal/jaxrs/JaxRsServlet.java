package org.waymark.platform.internal.jaxrs;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletResponse;
import org.glassfish.jersey.Severity;
import org.glassfish.jersey.internal.ServiceFinder;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.ModelValidationException;
import org.glassfish.jersey.server.model.ResourceModelIssue;
import org.glassfish.jersey.servlet.ServletContainer;
import org.glassfish.jersey.servlet.internal.spi.ServletContainerProvider;
import org.osgi.framework.ServiceReference;
import org.slf4j.LoggerFactory;
import org.waymark.platform.internal.RequestActivity;

/**
 * A Jersey servlet whose resources change while it runs. Pax Web re-initialises servlets whenever it restarts its
 * context, so the current resources are applied after every init, and on every change after that.
 *
 * <p>A change builds a new Jersey application next to the running one and swaps it in only once it has started: the
 * running one keeps serving while the next is built, and stays if the next cannot start. Jersey's own reload shuts the
 * running application down first, so a model Jersey refused (a plugin resource with the path and method of a core
 * one) left the servlet with no application: every route answered 500, health too, and no later reload could
 * recover, even once the plugin was gone (found probing a plugin whose resource used {@code @Path("/health")}). When
 * the whole model is refused, the plugins' services are added one at a time to the core's, and those that Jersey
 * refuses are left out and reported: one plugin's mistake does not take the node's API away.
 *
 * <p>Requests hold a read lock, a swap the write lock, so the application a request is in is never shut down under it.
 */
final class JaxRsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Source source;
    private final transient ReadWriteLock lock = new ReentrantReadWriteLock(true);
    private final transient RequestActivity activity;
    private final transient Object refreshing = new Object();
    /** The application serving requests; null before init and after destroy. */
    private transient volatile ServletContainer jersey;

    /** Where the servlet's application comes from. */
    interface Source {
        /** The application with every resource and extension but those left out. */
        ResourceConfig configuration(Set<ServiceReference<?>> leftOut);

        /** The plugins' resources and extensions in the application, in the order they are tried when one is refused. */
        List<ServiceReference<?>> pluginServices();

        /** A plugin's service Jersey refused: it is not served until the next change. */
        void leftOut(ServiceReference<?> service, String why);
    }

    JaxRsServlet(Source source, RequestActivity activity) {
        this.source = source;
        this.activity = activity;
    }

    @Override
    public void init() throws ServletException {
        synchronized (refreshing) {
            swap(build());
        }
    }

    @Override
    public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        activity.started();
        lock.readLock().lock();
        try {
            ServletContainer current = jersey;
            if (current == null) {
                ((HttpServletResponse) response).sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
                return;
            }
            current.service(request, response);
        } finally {
            lock.readLock().unlock();
            activity.ended();
        }
    }

    /** Applies the current resources; before the first init there is nothing to replace. */
    void refresh() {
        synchronized (refreshing) {
            if (jersey == null) {
                return;
            }
            try {
                swap(build());
            } catch (ServletException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The application serving requests now, to run requests in memory (tests). */
    ApplicationHandler application() {
        ServletContainer current = jersey;
        return current == null ? null : current.getApplicationHandler();
    }

    @Override
    public void destroy() {
        synchronized (refreshing) {
            swap(null);
        }
    }

    private void swap(ServletContainer next) {
        ServletContainer previous;
        lock.writeLock().lock();
        try {
            previous = jersey;
            jersey = next;
        } finally {
            lock.writeLock().unlock();
        }
        if (previous != null) {
            stop(previous);
        }
    }

    /** The whole application, or if Jersey refuses it, the core's with each plugin service Jersey accepts. */
    private ServletContainer build() throws ServletException {
        try {
            return start(source.configuration(Set.of()));
        } catch (ServletException | RuntimeException refused) {
            List<ServiceReference<?>> plugins = source.pluginServices();
            if (plugins.isEmpty()) {
                throw refused;
            }
            Set<ServiceReference<?>> leftOut = new HashSet<>(plugins);
            ServletContainer accepted = start(source.configuration(leftOut));
            for (ServiceReference<?> plugin : plugins) {
                leftOut.remove(plugin);
                try {
                    ServletContainer candidate = start(source.configuration(leftOut));
                    stop(accepted);
                    accepted = candidate;
                } catch (ServletException | RuntimeException e) {
                    leftOut.add(plugin);
                    source.leftOut(plugin, reason(e));
                }
            }
            return accepted;
        }
    }

    private ServletContainer start(ResourceConfig configuration) throws ServletException {
        ServletContainer container = new ServletContainer(configuration);
        withJerseyClassLoader(() -> {
            container.init(getServletConfig());
            return null;
        });
        return container;
    }

    private static void stop(ServletContainer container) {
        try {
            withJerseyClassLoader(() -> {
                container.destroy();
                return null;
            });
        } catch (ServletException | RuntimeException e) {
            LoggerFactory.getLogger(JaxRsServlet.class).warn("A replaced JAX-RS application did not stop cleanly: {}", e.toString());
        }
    }

    /** Jersey's fatal model issues (which methods clash, at which path), or the failure itself. */
    static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ModelValidationException invalid) {
                List<String> fatal = invalid.getIssues().stream().filter(issue -> issue.getSeverity() == Severity.FATAL)
                        .map(ResourceModelIssue::getMessage).toList();
                if (!fatal.isEmpty()) {
                    return String.join("; ", fatal);
                }
            }
        }
        return failure.toString();
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
