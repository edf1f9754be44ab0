package org.waymark.fhir.internal;

import java.util.ArrayList;
import java.util.List;
import org.waymark.api.error.WaymarkException;

/** A FHIR token search value {@code system|value}, with FHIR's escapes ({@code \,} {@code \|} {@code \$} {@code \\}). */
record TokenParam(String system, String value) {
    /**
     * One token. An unescaped comma is FHIR's OR of several tokens, which the identifier searches do not offer: it is
     * refused rather than searched for as one value, which would silently match nothing.
     */
    static TokenParam parse(String text) {
        if (text == null) {
            return null;
        }
        List<String> parts = split(text, ',');
        if (parts.size() > 1) {
            throw WaymarkException.invalid("Token searches here take one system|value; several at once (comma separated) "
                    + "are not supported: search for each");
        }
        List<String> systemAndValue = split(text, '|');
        if (systemAndValue.size() != 2 || systemAndValue.get(1).isEmpty()) {
            throw WaymarkException.invalid("Token searches need system|value");
        }
        String system = unescape(systemAndValue.get(0));
        return new TokenParam(system.isEmpty() ? null : system, unescape(systemAndValue.get(1)));
    }

    /** Splits at each {@code separator} that is not escaped with a backslash, keeping the escapes. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == separator) {
                parts.add(text.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(text.substring(from));
        return parts;
    }

    private static String unescape(String text) {
        return text.replaceAll("\\\\([\\\\,|$])", "$1");
    }
}
