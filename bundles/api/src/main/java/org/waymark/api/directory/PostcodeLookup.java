package org.waymark.api.directory;

import java.util.Optional;

/**
 * Turns a UK postcode into the coordinates of its centroid, for "near me" directory searches. Registered as an OSGi
 * service; the directory asks the services in ranking order (highest {@code service.ranking} first) and takes the
 * first answer, so an area can add a full lookup (e.g. ONS Postcode Directory) above the built-in demo one.
 */
public interface PostcodeLookup {

    /**
     * @param postcode as the user typed it (any case and spacing); implementations normalise it
     * @return the centroid, or empty when this lookup does not know the postcode
     */
    Optional<Coordinates> locate(String postcode);
}
