package org.waymark.api.measure;

/**
 * An outcome measure a link worker can record, registered as an OSGi service (with {@code waymark.area} to offer it to
 * one area only). Many measures are copyrighted: a plugin that carries a licensed measure's texts declares the licence
 * in {@link MeasureDefinition#licence()}, and Waymark refuses to record it for an area until an admin has recorded the
 * area's licence.
 */
@FunctionalInterface
public interface OutcomeMeasure {

    /** The measure; called through the plugin guard, so it should return quickly and always the same value. */
    MeasureDefinition definition();
}
