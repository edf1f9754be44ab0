package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.Intake.PatientOutcome;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.Subject;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.RowIds;

/**
 * Links a new referral to a local patient inside the referral's transaction (ARCHITECTURE.md, "Patient linkage"):
 * <ul>
 *   <li>an exact verified NHS number links to the existing patient (or creates the one record for it);</li>
 *   <li>otherwise the demographics are scored against a small candidate set: a confident match links, a doubtful one
 *       creates a patient record and queues the match for review, anything less creates a new patient;</li>
 *   <li>an unverified NHS number (failed mod-11 check) is stored as sent, never used to link, and always queued for
 *       review.</li>
 * </ul>
 * The returned {@link Link} says what was decided and why; {@link LinkageRecords} stores that once the referral exists.
 */
final class PatientLinker {
    // Compiled once: String.replaceAll compiles its pattern on every call, 1% of a BaRS message's CPU here.
    private static final Pattern MARKS = Pattern.compile("\\p{M}");
    private static final Pattern NOT_LOWER_ALPHANUMERIC = Pattern.compile("[^a-z0-9]");
    private static final Pattern NOT_UPPER_ALPHANUMERIC = Pattern.compile("[^A-Z0-9]");
    private static final Pattern GIVEN_SEPARATORS = Pattern.compile("\\s+");
    static final String UNVERIFIED_WARNING =
            "The NHS number fails its check digit: it is stored as sent, unverified, and was not used to link the patient";

    /**
     * A known patient the referral may be about.
     *
     * @param confident whether the demographics alone are enough to link (see {@link DemographicScore.Score#links()})
     */
    record Candidate(String patientId, int score, String detail, boolean confident) {
    }

    /**
     * @param rule         which rule decided: verified-nhs-number, demographics, unverified-nhs-number, referrer-reference
     * @param score        the best demographic score, if demographics were scored
     * @param reviewReason null, or why a person must confirm the match (demographics, unverified-nhs-number)
     * @param candidates   for a review: who the person might be, best first
     */
    record Link(String patientId, NhsNumber nhsNumber, List<String> warnings, PatientOutcome outcome, String rule,
                Integer score, String detail, String reviewReason, List<Candidate> candidates) {
        static Link referrerReference(String patientId) {
            return new Link(patientId, null, List.of(), PatientOutcome.MATCHED, "referrer-reference", null, null, null, List.of());
        }
    }

    Link link(Connection c, Subject subject, String area, Instant now) throws SQLException {
        NhsNumber nhs = subject.nhsNumber();
        if (nhs != null && nhs.verified()) {
            Optional<String> existing = findVerified(c, nhs.value());
            if (existing.isPresent()) {
                return nhsLink(existing.get(), nhs, PatientOutcome.MATCHED);
            }
            List<Candidate> unnumbered = unnumberedLookalikes(c, subject, area);
            // Another transaction may create the same patient at the same moment: the unique index decides, and
            // the loser links to the winner's record.
            Optional<String> created = Jdbc.unlessDuplicate(c, tx -> insert(tx, nhs, subject.demographics(), now));
            if (created.isEmpty()) {
                return nhsLink(findVerified(c, nhs.value()).orElseThrow(), nhs, PatientOutcome.MATCHED);
            }
            if (!unnumbered.isEmpty()) {
                // The person may be known already without their number (a self-referral, a phone call): never linked
                // unasked, as the number is the better identity, but a person decides rather than two records
                // silently growing side by side (found probing: identical details, two records, no review).
                Candidate best = unnumbered.get(0);
                return new Link(created.get(), nhs, List.of(), PatientOutcome.CREATED_FOR_REVIEW, "verified-nhs-number",
                        best.score(), best.detail(), "demographics", unnumbered);
            }
            return nhsLink(created.get(), nhs, PatientOutcome.CREATED);
        }
        List<Candidate> ranked = rank(subject, PatientCandidates.find(c, subject, area));
        Candidate best = ranked.isEmpty() ? null : ranked.get(0);
        Integer bestScore = best == null ? null : best.score();
        String bestDetail = best == null ? "no candidate" : best.detail();
        List<Candidate> doubtful = ranked.stream().filter(k -> k.score() >= DemographicScore.REVIEW_THRESHOLD).toList();
        if (nhs != null) {
            // Unverified: whatever the demographics say, a person confirms who this is.
            List<Candidate> shown = ranked.stream().filter(k -> k.score() >= DemographicScore.REVIEW_THRESHOLD
                    || k.detail().startsWith("NHS number same")).toList();
            return new Link(insert(c, nhs, subject.demographics(), now), nhs, List.of(UNVERIFIED_WARNING),
                    PatientOutcome.CREATED_FOR_REVIEW, "unverified-nhs-number", bestScore, bestDetail,
                    "unverified-nhs-number", shown);
        }
        if (best != null && best.confident() && (ranked.size() < 2 || !ranked.get(1).confident())) {
            return new Link(best.patientId(), null, List.of(), PatientOutcome.MATCHED, "demographics", best.score(),
                    best.detail(), null, List.of());
        }
        if (!doubtful.isEmpty()) {
            // Doubtful, or two confident matches (the same person known twice): a person decides.
            return new Link(insert(c, null, subject.demographics(), now), null, List.of(), PatientOutcome.CREATED_FOR_REVIEW,
                    "demographics", bestScore, bestDetail, "demographics", doubtful);
        }
        return new Link(insert(c, null, subject.demographics(), now), null, List.of(), PatientOutcome.CREATED,
                "demographics", bestScore, bestDetail, null, List.of());
    }

    /**
     * Patients of the area whose details match at least doubtfully and who have no verified NHS number: one with a
     * verified number that is not this one is another person. A confident match is offered too, never linked.
     */
    private static List<Candidate> unnumberedLookalikes(Connection c, Subject subject, String area) throws SQLException {
        return rank(subject, PatientCandidates.find(c, subject, area, true)).stream().filter(k -> k.score() >= DemographicScore.REVIEW_THRESHOLD)
                .map(k -> new Candidate(k.patientId(), k.score(), k.detail(), false)).toList();
    }

    private static Link nhsLink(String patientId, NhsNumber nhs, PatientOutcome outcome) {
        return new Link(patientId, nhs, List.of(), outcome, "verified-nhs-number", null, null, null, List.of());
    }

    /** Scores every candidate, best first. */
    private static List<Candidate> rank(Subject subject, List<Patient> candidates) {
        return candidates.stream().map(p -> {
            DemographicScore.Score score = DemographicScore.score(subject.demographics(), p.demographics());
            if (subject.nhsNumber() != null && p.nhsNumber() != null && subject.nhsNumber().value().equals(p.nhsNumber().value())) {
                // The same number as sent is a strong hint for a reviewer, never a reason to link unasked.
                return new Candidate(p.id(), score.points() + 10, "NHS number same, " + score.detail(), false);
            }
            return new Candidate(p.id(), score.points(), score.detail(), score.links());
        }).sorted(Comparator.comparingInt(Candidate::score).reversed()).toList();
    }

    private static Optional<String> findVerified(Connection c, String nhsNumber) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM wm_patient WHERE verified_nhs_number = ?")) {
            s.setString(1, nhsNumber);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    private static String insert(Connection c, NhsNumber nhs, Demographics d, Instant now) throws SQLException {
        String id = RowIds.next();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_patient (id, nhs_number, nhs_verified, verified_nhs_number, "
                + "family, given, family_norm, given_norm, birth_date, gender, postcode, postcode_norm, version, created_at, "
                + "updated_at, birth_date_precision) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            s.setString(1, id);
            s.setString(2, nhs == null ? null : nhs.value());
            s.setBoolean(3, nhs != null && nhs.verified());
            s.setString(4, nhs != null && nhs.verified() ? nhs.value() : null);
            s.setString(5, clip(d.family(), 100));
            String given = clipNames(d.given(), 100);
            s.setString(6, given);
            s.setString(7, d.family() == null ? null : clip(normalise(d.family()), 100));
            s.setString(8, normaliseGiven(given));
            s.setDate(9, d.birthDate() == null ? null : Date.valueOf(d.birthDate()));
            s.setString(10, d.gender());
            s.setString(11, d.postcode() == null ? null : clip(d.postcode().strip().toUpperCase(Locale.ROOT), 16));
            s.setString(12, clip(normalisePostcode(d.postcode()), 16));
            s.setLong(13, 1);
            s.setTimestamp(14, Timestamp.from(now));
            s.setTimestamp(15, Timestamp.from(now));
            s.setString(16, ReferralRows.precisionColumn(d.birthDatePrecision()));
            s.executeUpdate();
        }
        return id;
    }

    /** Lower case without accents or punctuation, so that searches by name prefix are plain index scans. */
    static String normalise(String name) {
        String decomposed = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD);
        return NOT_LOWER_ALPHANUMERIC.matcher(MARKS.matcher(decomposed).replaceAll("").toLowerCase(Locale.ROOT)).replaceAll("");
    }

    /**
     * Each given name normalised, separated by single spaces, so that a search finds the person by any of them
     * (FHIR: given matches any given name from its start). Null when nothing is left.
     */
    static String normaliseGiven(String given) {
        if (given == null) {
            return null;
        }
        String joined = GIVEN_SEPARATORS.splitAsStream(given.strip()).map(PatientLinker::normalise)
                .filter(n -> !n.isEmpty()).collect(java.util.stream.Collectors.joining(" "));
        return joined.isEmpty() ? null : clip(joined, 100);
    }

    /** The first given name, normalised, or null: what linkage compares, as a middle name is often left out. */
    static String firstGiven(String given) {
        String all = normaliseGiven(given);
        return all == null ? null : all.split(" ", 2)[0];
    }

    /** Whole names that fit in max characters, so a long list of given names loses its last names, not half of one. */
    static String clipNames(String names, int max) {
        if (names == null || names.length() <= max) {
            return names;
        }
        int cut = names.lastIndexOf(' ', max);
        return cut <= 0 ? names.substring(0, max) : names.substring(0, cut).strip();
    }

    /** Upper case without spaces or punctuation: "s1 2ab" and "S12AB" are one postcode. */
    static String normalisePostcode(String postcode) {
        if (postcode == null) {
            return null;
        }
        String p = NOT_UPPER_ALPHANUMERIC.matcher(postcode.toUpperCase(Locale.ROOT)).replaceAll("");
        return p.isEmpty() ? null : p;
    }

    static String clip(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
