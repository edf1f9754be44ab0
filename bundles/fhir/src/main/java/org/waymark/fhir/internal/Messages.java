package org.waymark.fhir.internal;

/** Makes parser messages safe to show: no Java class names, no unbounded echo of the sender's input. */
final class Messages {
    private static final int MAX = 300;

    private Messages() {
    }

    static String safe(String message) {
        if (message == null) {
            return "unreadable content";
        }
        String cleaned = message
                .replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:?", "")
                .replaceAll("\\b(?:ca\\.uhn|org\\.hl7|com\\.fasterxml|java|javax|org\\.waymark)\\.[A-Za-z0-9_.$]+", "")
                // A bare class name too, as HAPI writes it ("DataFormatException at [Line number = 2 ...]").
                .replaceAll("\\b[A-Z][A-Za-z0-9_]*(?:Exception|Error)\\b:?\\s*(?:at\\s+)?", "")
                .replaceAll("\\s+", " ")
                .strip();
        return cleaned.length() <= MAX ? cleaned : cleaned.substring(0, MAX) + "...";
    }
}
