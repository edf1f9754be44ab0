package org.waymark.directory.internal;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Component;
import org.waymark.api.directory.Coordinates;
import org.waymark.api.directory.PostcodeLookup;

/**
 * The built-in, offline postcode lookup for the two pathfinder areas: the approximate centre of each postcode district
 * (outward code) of Sheffield and Islington, so "near S10 2TN" works without a network or a licensed postcode file.
 * District precision (a kilometre or two) is enough to rank groups across a city. An area that needs more registers its
 * own {@link PostcodeLookup} with a higher {@code service.ranking}.
 */
@Component(property = "service.ranking:Integer=-100")
public final class OutwardCodeLookup implements PostcodeLookup {
    private static final Pattern FULL = Pattern.compile("[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}");
    private static final Pattern OUTWARD = Pattern.compile("[A-Z]{1,2}[0-9][A-Z0-9]?");
    private static final Map<String, Coordinates> DISTRICTS = Map.ofEntries(
            // Sheffield
            Map.entry("S1", new Coordinates(53.3811, -1.4701)), Map.entry("S2", new Coordinates(53.3690, -1.4560)),
            Map.entry("S3", new Coordinates(53.3880, -1.4800)), Map.entry("S4", new Coordinates(53.3990, -1.4540)),
            Map.entry("S5", new Coordinates(53.4200, -1.4580)), Map.entry("S6", new Coordinates(53.4010, -1.5100)),
            Map.entry("S7", new Coordinates(53.3530, -1.4950)), Map.entry("S8", new Coordinates(53.3390, -1.4750)),
            Map.entry("S9", new Coordinates(53.3960, -1.4120)), Map.entry("S10", new Coordinates(53.3800, -1.5150)),
            Map.entry("S11", new Coordinates(53.3640, -1.5060)), Map.entry("S12", new Coordinates(53.3450, -1.4230)),
            Map.entry("S13", new Coordinates(53.3680, -1.3840)), Map.entry("S14", new Coordinates(53.3480, -1.4440)),
            Map.entry("S17", new Coordinates(53.3290, -1.5380)), Map.entry("S20", new Coordinates(53.3300, -1.3620)),
            Map.entry("S35", new Coordinates(53.4600, -1.4660)),
            // Islington
            Map.entry("N1", new Coordinates(51.5380, -0.0990)), Map.entry("N4", new Coordinates(51.5670, -0.1060)),
            Map.entry("N5", new Coordinates(51.5530, -0.0980)), Map.entry("N7", new Coordinates(51.5530, -0.1180)),
            Map.entry("N19", new Coordinates(51.5650, -0.1320)), Map.entry("EC1V", new Coordinates(51.5270, -0.0990)),
            Map.entry("EC1R", new Coordinates(51.5240, -0.1090)), Map.entry("EC1M", new Coordinates(51.5210, -0.1010)));

    @Override
    public Optional<Coordinates> locate(String postcode) {
        String compact = compact(postcode);
        String outward = FULL.matcher(compact).matches() ? compact.substring(0, compact.length() - 3) : compact;
        return Optional.ofNullable(DISTRICTS.get(outward));
    }

    /** A full postcode (S10 2TN) or a district (S10), in any case and spacing. */
    static boolean looksLikePostcode(String postcode) {
        String compact = compact(postcode);
        return FULL.matcher(compact).matches() || OUTWARD.matcher(compact).matches();
    }

    private static String compact(String postcode) {
        return postcode == null ? "" : postcode.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
    }
}
