package org.waymark.thirdparty.derby.internal;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Dictionary;
import java.util.Hashtable;
import org.apache.derby.jdbc.EmbeddedDriver;
import org.ops4j.pax.jdbc.derby.impl.DerbyDataSourceFactory;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.jdbc.DataSourceFactory;

/**
 * Starts the embedded engine and offers pax-jdbc's Derby {@link DataSourceFactory} from this bundle; on stop withdraws
 * the factory first and only then shuts the engine down.
 *
 * <p>Why one bundle does both: the pooled DataSource (pax-jdbc-config) is closed, synchronously, when the factory goes.
 * With the factory in a bundle of its own, a refresh of the Derby bundle stops the two in an arbitrary order (Felix
 * collects them in a hash set), and when Derby went first a poller still holding the open pool took a new connection
 * after the shutdown, which booted the database again in the old engine; the refreshed engine then failed with
 * "Another instance of Derby may have already booted the database" until the JVM restarted (FeaturesIT, about one run
 * in four). Here the order is fixed: no pool, then no engine.
 */
public final class DerbyActivator implements BundleActivator {
    private static final String SHUTDOWN_EVERY_DATABASE = "jdbc:derby:;shutdown=true";

    private ServiceRegistration<DataSourceFactory> factory;

    @Override
    public void start(BundleContext context) {
        // Boots the engine and registers the driver with DriverManager, as Derby's own EmbeddedActivator does.
        new EmbeddedDriver();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(DataSourceFactory.OSGI_JDBC_DRIVER_CLASS, EmbeddedDriver.class.getName());
        properties.put(DataSourceFactory.OSGI_JDBC_DRIVER_NAME, "derby");
        factory = context.registerService(DataSourceFactory.class, new DerbyDataSourceFactory(), properties);
    }

    @Override
    public void stop(BundleContext context) {
        factory.unregister();
        try {
            DriverManager.getConnection(SHUTDOWN_EVERY_DATABASE);
        } catch (SQLException shutDown) {
            // Derby answers a successful engine shutdown with SQLState XJ015; there is nothing else to do either way.
        }
    }
}
