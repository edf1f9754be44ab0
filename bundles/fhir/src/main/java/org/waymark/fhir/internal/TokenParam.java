package org.waymark.fhir.internal;

import org.waymark.api.error.WaymarkException;

/** A FHIR token search value {@code system|value}. */
record TokenParam(String system, String value) {
    static TokenParam parse(String text) {
        if (text == null) {
            return null;
        }
        int bar = text.indexOf('|');
        if (bar < 0 || bar == text.length() - 1) {
            throw WaymarkException.invalid("Token searches need system|value");
        }
        return new TokenParam(bar == 0 ? null : text.substring(0, bar), text.substring(bar + 1));
    }
}
