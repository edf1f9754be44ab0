package org.waymark.referrals.internal;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.Demographics.BirthDatePrecision;

/**
 * How alike two descriptions of a person are, as points per field (a simplified Fellegi-Sunter weighting): agreement
 * on a rare, stable field (birth date, family name) counts most, disagreement on it counts against; a postcode that
 * differs counts nothing because people move. The detail names which fields agreed, never their values, so it can be
 * stored with the decision and shown to reviewers without repeating personal data.
 */
final class DemographicScore {
    /** At or above: the same person, linked without asking anyone (needs the whole birth date, not only its year or
     * month, and the family name to agree, and no postcode known on both sides that differs). */
    static final int LINK_THRESHOLD = 85;
    /** At or above (and below the link threshold): perhaps the same person; a link worker decides. */
    static final int REVIEW_THRESHOLD = 50;

    /**
     * @param postcodeDifferent both postcodes known and not even in the same district: it counts no points (people
     *                          move), but it stops an automatic link. Name, birth date and gender alone then describe
     *                          two people of a city often enough (found probing: "Alice Probeson, 1970-03-04" in LS6
     *                          was linked unasked to the Sheffield woman of that name, and her GP could then read the
     *                          other woman's NHS number and postcode); a link worker confirms a person who moved.
     */
    record Score(int points, boolean birthDateSame, boolean familyAlike, boolean postcodeDifferent, String detail) {
        /** Confident enough to link with no one asked. */
        boolean links() {
            return points >= LINK_THRESHOLD && birthDateSame && familyAlike && !postcodeDifferent;
        }

        boolean doubtful() {
            return !links() && points >= REVIEW_THRESHOLD;
        }
    }

    private DemographicScore() {
    }

    static Score score(Demographics incoming, Demographics known) {
        List<String> detail = new ArrayList<>();
        int points = 0;

        String familyA = norm(incoming.family());
        String familyB = norm(known.family());
        boolean familyAlike = false;
        if (familyA == null || familyB == null) {
            detail.add("family unknown");
        } else if (familyA.equals(familyB)) {
            points += 30;
            familyAlike = true;
            detail.add("family same");
        } else if (similar(familyA, familyB, 3)) {
            points += 15;
            familyAlike = true;
            detail.add("family similar");
        } else {
            points -= 10;
            detail.add("family different");
        }

        // The first given names are compared: referrers often leave out middle names, so "Robert" and
        // "Robert Anselm" are the same given name; someone known by a middle name counts as similar.
        String givenA = PatientLinker.firstGiven(incoming.given());
        String givenB = PatientLinker.firstGiven(known.given());
        if (givenA == null || givenB == null) {
            detail.add("given unknown");
        } else if (givenA.equals(givenB)) {
            points += 20;
            detail.add("given same");
        } else if (givenA.charAt(0) == givenB.charAt(0) && (givenA.startsWith(givenB) || givenB.startsWith(givenA)
                || distance(givenA, givenB) <= 1)) {
            // Jo and Joanne, or a typo: likely the same name written differently.
            points += 10;
            detail.add("given similar");
        } else if (namesOf(incoming.given()).contains(givenB) || namesOf(known.given()).contains(givenA)) {
            points += 10;
            detail.add("given similar");
        } else {
            points -= 5;
            detail.add("given different");
        }

        boolean birthDateSame = false;
        LocalDate birthA = incoming.birthDate();
        LocalDate birthB = known.birthDate();
        if (birthA == null || birthB == null) {
            detail.add("birth date unknown");
        } else if (incoming.birthDatePrecision() != BirthDatePrecision.DAY || known.birthDatePrecision() != BirthDatePrecision.DAY) {
            // A date known only to the year or month is never the same birth date: January 1st stands in for an
            // unknown day, and a whole year holds too many people to link on. Agreement counts a little (so the
            // match may go to review, never linked unasked: birthDateSame stays false), disagreement counts against.
            points += partialBirthDate(birthA, incoming.birthDatePrecision(), birthB, known.birthDatePrecision(), detail);
        } else if (birthA.equals(birthB)) {
            points += 30;
            birthDateSame = true;
            detail.add("birth date same");
        } else if (close(birthA, birthB)) {
            points += 5;
            detail.add("birth date close");
        } else {
            points -= 25;
            detail.add("birth date different");
        }

        String genderA = gender(incoming.gender());
        String genderB = gender(known.gender());
        if (genderA == null || genderB == null) {
            detail.add("gender unknown");
        } else if (genderA.equals(genderB)) {
            points += 5;
            detail.add("gender same");
        } else {
            points -= 10;
            detail.add("gender different");
        }

        String postcodeA = postcode(incoming.postcode());
        String postcodeB = postcode(known.postcode());
        boolean postcodeDifferent = false;
        if (postcodeA == null || postcodeB == null) {
            detail.add("postcode unknown");
        } else if (postcodeA.equals(postcodeB)) {
            points += 15;
            detail.add("postcode same");
        } else if (outward(postcodeA).equals(outward(postcodeB))) {
            points += 7;
            detail.add("postcode district same");
        } else {
            postcodeDifferent = true;
            detail.add("postcode different");
        }
        return new Score(points, birthDateSame, familyAlike, postcodeDifferent, String.join(", ", detail));
    }

    /** Points for two birth dates of which at least one is partial, compared only as far as both are known. */
    private static int partialBirthDate(LocalDate a, BirthDatePrecision precisionA, LocalDate b, BirthDatePrecision precisionB,
                                        List<String> detail) {
        if (a.getYear() != b.getYear()) {
            detail.add("birth date different");
            return -25;
        }
        if (precisionA == BirthDatePrecision.YEAR || precisionB == BirthDatePrecision.YEAR) {
            detail.add("birth year same");
            return 10;
        }
        if (a.getMonthValue() != b.getMonthValue()) {
            // One field apart, as "birth date close" for whole dates, but with less known there is less to go on.
            detail.add("birth month different");
            return 0;
        }
        detail.add("birth month same");
        return 15;
    }

    private static List<String> namesOf(String given) {
        String all = PatientLinker.normaliseGiven(given);
        return all == null ? List.of() : List.of(all.split(" "));
    }

    /** One field of the date mistyped, or day and month swapped: what a typist gets wrong. */
    private static boolean close(LocalDate a, LocalDate b) {
        int same = (a.getYear() == b.getYear() ? 1 : 0) + (a.getMonthValue() == b.getMonthValue() ? 1 : 0)
                + (a.getDayOfMonth() == b.getDayOfMonth() ? 1 : 0);
        boolean swapped = a.getYear() == b.getYear() && a.getMonthValue() == b.getDayOfMonth()
                && a.getDayOfMonth() == b.getMonthValue();
        return same == 2 || swapped;
    }

    private static boolean similar(String a, String b, int minimumPrefix) {
        if (a.length() >= minimumPrefix && b.length() >= minimumPrefix && (a.startsWith(b) || b.startsWith(a))) {
            return true;
        }
        return Math.min(a.length(), b.length()) >= 4 && distance(a, b) <= 1;
    }

    /** Edits (insert, delete, change, swap of neighbours) between two short strings. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String norm(String name) {
        if (name == null) {
            return null;
        }
        String n = PatientLinker.normalise(name);
        return n.isEmpty() ? null : n;
    }

    /** Unknown and other say nothing about a match. */
    private static String gender(String gender) {
        if (gender == null) {
            return null;
        }
        String g = gender.strip().toLowerCase(Locale.ROOT);
        return g.equals("male") || g.equals("female") ? g : null;
    }

    private static String postcode(String postcode) {
        String p = PatientLinker.normalisePostcode(postcode);
        return p == null || p.length() < 5 ? null : p;
    }

    /** The district part of a UK postcode: everything but the last three characters (the inward code). */
    private static String outward(String normalisedPostcode) {
        return normalisedPostcode.substring(0, normalisedPostcode.length() - 3);
    }
}
