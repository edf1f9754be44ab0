package org.waymark.api.pathway;

import java.time.Period;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An area's programme: the steps a referral goes through, when the person is followed up and how they prefer to be
 * contacted first. Registered by a plugin with the {@code waymark.area} service property; the highest-ranked pathway
 * of an area applies to its referrals. Implementations return constant values quickly: the core calls them through
 * the plugin guard and treats a failure as "no pathway" (the core's defaults apply).
 */
@ConsumerType
public interface Pathway {

    /** Stable id, e.g. {@code sheffield-ltc}; lower case letters, digits and hyphens. */
    String id();

    /** Shown to workers, e.g. "Sheffield: older people with long-term conditions". */
    String title();

    /** The programme's steps in order; the console shows them as a checklist on each referral of the area. */
    List<Step> steps();

    /**
     * When follow-ups fall, counted from the day the plan (or the digital-skills assessment) is agreed, in order; an
     * empty list means the core's default (2, 6 and 12 weeks).
     */
    List<Period> followUps();

    /**
     * Contact methods to try first, in order: {@code sms}, {@code phone}, {@code letter}, {@code email},
     * {@code visit}. Names of notification channels are matched against the channels installed for the area.
     */
    List<String> contactOrder();

    /** Whether the area writes to people in easy-read form (short sentences, pictures) by default. */
    default boolean easyRead() {
        return false;
    }

    /**
     * One step of a pathway.
     *
     * @param code  stable code, e.g. {@code first-contact}
     * @param title shown to workers
     * @param form  the id of the form (or outcome measure) used at this step, or null
     */
    record Step(String code, String title, String form) {
        public Step {
            if (code == null || !code.matches("[a-z0-9-]{1,64}")) {
                throw new IllegalArgumentException("A step code is 1 to 64 lower case letters, digits and hyphens");
            }
            if (title == null || title.isBlank()) {
                throw new IllegalArgumentException("A step has a title");
            }
        }
    }
}
