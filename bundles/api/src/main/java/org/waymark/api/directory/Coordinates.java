package org.waymark.api.directory;

/** A point in WGS84 degrees. */
public record Coordinates(double latitude, double longitude) {
    private static final double EARTH_RADIUS_METRES = 6_371_000;

    public Coordinates {
        if (!(latitude >= -90 && latitude <= 90) || !(longitude >= -180 && longitude <= 180)) {
            throw new IllegalArgumentException("Not a WGS84 coordinate: " + latitude + ", " + longitude);
        }
    }

    /** Great-circle (haversine) distance in metres. */
    public double metresTo(Coordinates other) {
        double dLat = Math.toRadians(other.latitude - latitude);
        double dLon = Math.toRadians(other.longitude - longitude);
        double a = Math.sin(dLat / 2) * Math.sin(dLat / 2) + Math.cos(Math.toRadians(latitude))
                * Math.cos(Math.toRadians(other.latitude)) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(a)));
    }
}
