package org.waymark.fhir.internal;

import java.util.ArrayList;
import java.util.List;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.ReferralSearch;

/**
 * A FHIR token search value {@code system|value}, read with FHIR's escaping: {@code \|}, {@code \,}, {@code \$} and
 * {@code \\} stand for the character itself, an unescaped {@code |} separates the system from the code and an
 * unescaped {@code ,} separates alternatives. Without it a system that holds a bar (Waymark's BaRS identity
 * {@code urn:waymark:bars:https://...|2222222222}) could never be searched for.
 */
record TokenParam(String system, String value) {
    private static final char ESCAPE = '\\';

    /** The system of {@code |value}: FHIR's "no system", matching only identifiers sent without one. */
    static final String NO_SYSTEM = ReferralSearch.NO_SYSTEM;

    /**
     * One {@code system|value}, {@code |value} (system {@link #NO_SYSTEM}) or {@code value} (system null: any);
     * alternatives are not supported here.
     */
    static TokenParam parse(String text) {
        if (text == null) {
            return null;
        }
        if (split(text).size() > 1) {
            throw WaymarkException.invalid("Several values separated by ',' are not supported for this search; "
                    + "write a comma that is part of the value as \\,");
        }
        int bar = unescapedIndex(text, '|');
        if (bar < 0 && !text.isBlank()) {
            // A value alone matches it in any system (FHIR's token search; BaRS asks receivers to honour it).
            return new TokenParam(null, unescape(text));
        }
        if (bar < 0 || bar == text.length() - 1) {
            throw WaymarkException.invalid("Token searches need system|value (a '|' inside the system or value is written \\|)");
        }
        return new TokenParam(bar == 0 ? NO_SYSTEM : unescape(text.substring(0, bar)), unescape(text.substring(bar + 1)));
    }

    /** {@code |value}: only an identifier sent without a system matches. */
    boolean withoutSystem() {
        return NO_SYSTEM.equals(system);
    }

    /** Whether an identifier with this system (null: none) is in the systems this token names. */
    boolean matchesSystem(String identifierSystem) {
        return system == null || (withoutSystem() ? identifierSystem == null || identifierSystem.isEmpty()
                : system.equals(identifierSystem));
    }

    /** The alternatives of a search value (split at unescaped commas), each unescaped: {@code a,b\,c} is a and b,c. */
    static List<String> alternatives(String text) {
        return split(text).stream().map(TokenParam::unescape).toList();
    }

    /**
     * The codes of a coded search value such as {@code status}: its alternatives, each a {@code code} or
     * {@code system|code} (FHIR's token syntax, which generic FHIR clients send with the code's system). An
     * alternative naming another system, or none ({@code |code}), matches nothing and is left out.
     *
     * @param system the code system of the searched element, e.g. {@code http://hl7.org/fhir/task-status}
     */
    static List<String> codes(String text, String system) {
        List<String> codes = new ArrayList<>();
        for (String alternative : split(text)) {
            int bar = unescapedIndex(alternative, '|');
            if (bar < 0) {
                codes.add(unescape(alternative));
            } else if (unescape(alternative.substring(0, bar)).equals(system)) {
                codes.add(unescape(alternative.substring(bar + 1)));
            }
        }
        return codes;
    }

    /** The parts between unescaped commas, still escaped. */
    private static List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ESCAPE) {
                i++;
            } else if (c == ',') {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    private static int unescapedIndex(String text, char wanted) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ESCAPE) {
                i++;
            } else if (c == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** FHIR's escapes undone; a backslash before any other character (or at the end) is itself. */
    static String unescape(String text) {
        StringBuilder plain = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ESCAPE && i + 1 < text.length() && "\\|,$".indexOf(text.charAt(i + 1)) >= 0) {
                plain.append(text.charAt(++i));
            } else {
                plain.append(c);
            }
        }
        return plain.toString();
    }
}
