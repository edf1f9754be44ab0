package org.waymark.api.identity;

import java.util.Optional;

/**
 * An NHS number as sent: exactly ten digits. Whether the mod-11 check digit holds is a property, not a precondition,
 * because real messages (and several official BaRS examples) carry numbers that fail it; those are stored as sent,
 * marked unverified and never used for automatic linkage.
 */
public record NhsNumber(String value, boolean verified) {

    public static final String SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

    public NhsNumber {
        if (value == null || !value.matches("\\d{10}")) {
            throw new IllegalArgumentException("An NHS number has exactly 10 digits");
        }
    }

    /**
     * Parses a number as written by people and systems: spaces and dashes between digit groups are allowed.
     *
     * @return empty if it is not ten digits
     */
    public static Optional<NhsNumber> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String digits = text.strip().replace(" ", "").replace("-", "");
        if (!digits.matches("\\d{10}")) {
            return Optional.empty();
        }
        return Optional.of(new NhsNumber(digits, checkDigitHolds(digits)));
    }

    /** The mod-11 algorithm from the NHS Data Dictionary. */
    static boolean checkDigitHolds(String digits) {
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (digits.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - (sum % 11);
        if (check == 11) {
            check = 0;
        }
        return check != 10 && check == digits.charAt(9) - '0';
    }

    @Override
    public String toString() {
        // Never print a whole NHS number into logs by accident.
        return "NhsNumber[******" + value.substring(6) + (verified ? "" : ", unverified") + "]";
    }
}
