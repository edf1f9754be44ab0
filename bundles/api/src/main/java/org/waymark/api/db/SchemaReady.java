package org.waymark.api.db;

/**
 * Registered by the platform once a bundle's own database migrations have been applied, with the service property
 * {@value #BUNDLE_PROPERTY} set to the bundle's symbolic name. A component that needs its bundle's tables references
 * it with a target filter, so it only starts once they exist.
 */
public interface SchemaReady {
    String BUNDLE_PROPERTY = "waymark.schema";

    /** The bundle whose migrations are applied. */
    String bundle();
}
