package org.waymark.api.measure;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a measure asks and how its answers are scored.
 *
 * @param id          stable identifier, e.g. {@code ons4}; lower case letters, digits and hyphens
 * @param title       shown to the worker
 * @param attribution the credit the measure's owner requires, shown wherever its results are
 * @param items       the questions, in order
 * @param scale       the answer scale shared by every item
 * @param scoring     how answers become results
 * @param conversion  for {@link Scoring#SUM_CONVERTED}: raw total to reported score (e.g. a metric conversion table);
 *                    empty otherwise
 * @param licence     the licence terms; {@link Licence#FREE} for measures free to use
 */
public record MeasureDefinition(String id, String title, String attribution, List<Item> items, Scale scale, Scoring scoring,
                                Map<Integer, Double> conversion, Licence licence) {
    public MeasureDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(scoring, "scoring");
        items = List.copyOf(items);
        conversion = conversion == null ? Map.of() : Map.copyOf(conversion);
        licence = licence == null ? Licence.FREE : licence;
        if (!id.matches("[a-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("A measure id is 1 to 64 lower case letters, digits and hyphens");
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("A measure has at least one item");
        }
        if (scoring == Scoring.SUM_CONVERTED && conversion.isEmpty()) {
            throw new IllegalArgumentException("A converted score needs its conversion table");
        }
    }

    /** One question. */
    public record Item(String id, String text) {
        public Item {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(text, "text");
        }
    }

    /** Whole-number answers from min to max, with what the two ends mean. */
    public record Scale(int min, int max, String minLabel, String maxLabel) {
        public Scale {
            if (max <= min) {
                throw new IllegalArgumentException("A scale's max must be above its min");
            }
        }
    }

    public enum Scoring {
        /** Each item is a result of its own and never added up (ONS4). */
        ITEMS_SEPARATELY,
        /** The answers add up to a total. */
        SUM,
        /** The answers add up to a raw total, reported through the conversion table. */
        SUM_CONVERTED
    }

    /**
     * @param required whether an area must record its licence before using the measure
     * @param owner    who holds the rights
     * @param terms    where the terms are, or a summary of them
     */
    public record Licence(boolean required, String owner, String terms) {
        public static final Licence FREE = new Licence(false, null, null);
    }
}
