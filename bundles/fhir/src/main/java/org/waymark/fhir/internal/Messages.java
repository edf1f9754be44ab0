package org.waymark.fhir.internal;

/** Makes parser messages safe to show: no Java class names, no unbounded echo of the sender's input. */
final class Messages {
    private static final int MAX = 300;
    /** How much of a message is looked at: what is shown is at most MAX of it, and cleaning only shortens it. */
    private static final int MAX_READ = 4_000;
    private static final java.util.regex.Pattern LONG_RUN = java.util.regex.Pattern.compile("([A-Za-z0-9_]{100})[A-Za-z0-9_]+");

    private Messages() {
    }

    static String safe(String message) {
        if (message == null) {
            return "unreadable content";
        }
        // HAPI echoes the sender's value, which may be 100,000 digits long (a number 1e99999 given for a code): the
        // patterns below backtrack over runs of letters and digits, which took minutes on such a run. Runs are cut
        // first (no name Waymark must hide is that long), and the work is bounded by the length kept.
        String bounded = LONG_RUN.matcher(message.length() > MAX_READ ? message.substring(0, MAX_READ) : message)
                .replaceAll("$1\u2026");
        String cleaned = bounded
                // Jackson names the setting behind a limit: "(1000, from `StreamReadConstraints.getMaxNestingDepth()`)".
                .replaceAll(",?\\s*from\\s+`[^`]*`", "")
                .replaceAll("`[A-Za-z0-9_$.]+(?:\\(\\))?`", "")
                // A Java method call anywhere else ("Type.method()"): code, never the sender's business.
                .replaceAll("\\b[A-Z][A-Za-z0-9_$]*\\.[a-z][A-Za-z0-9_$]*\\([^)]*\\)", "")
                .replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:?", "")
                // Anywhere, not only at a word start: HAPI echoes the sender's text, which may glue a name to a package.
                .replaceAll("(?:ca\\.uhn|org\\.hl7|com\\.fasterxml|javax?|org\\.waymark)\\.[A-Za-z0-9_.$]*", "")
                // A bare class name too, as HAPI writes it ("DataFormatException at [Line number = 2 ...]").
                .replaceAll("[A-Za-z0-9_]+(?:Exception|Error)\\b:?\\s*(?:at\\s+)?", "")
                // What is left of those words can only be the sender's own text echoed back (an element name the
                // fuzzer glued together): it is cut rather than echoed, so no answer ever carries them.
                .replace("Exception", "\u2026").replace("java.", "\u2026").replace("ca.uhn", "\u2026")
                .replaceAll("\\s+", " ")
                .strip();
        return cleaned.length() <= MAX ? cleaned : cleaned.substring(0, MAX) + "...";
    }
}
