package org.waymark.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads karaf.log the way Apache Unomi's tests do: every ERROR line is a failure unless the test declared it. Plain JDK
 * only, because it also runs inside the Pax Exam container.
 */
public final class KarafLog {
    /** Karaf's layout: {@code 2026-01-01T10:00:00,000 | ERROR | thread | logger | bundle | message}. */
    private static final Pattern ERROR_LINE = Pattern.compile("^\\S+\\s+\\|\\s*ERROR\\s*\\|");
    /** The first line of any log record (what is not is the stack trace or message of the record before it). */
    private static final Pattern RECORD_START = Pattern.compile("^\\S+\\s+\\|\\s*[A-Z]+\\s*\\|");
    /**
     * Lines of an ERROR record's exception kept with it: Pax Exam deletes its container, log and all, after a run, so
     * the failure message is the only place left to read the cause ("FrameworkEvent ERROR" alone says nothing).
     */
    static final int CAUSE_LINES = 8;

    private KarafLog() {
    }

    /**
     * ERROR records of karaf.log and its rotated files in {@code logDir} that match none of {@code expected}: each its
     * ERROR line, with the first lines of its exception after a newline.
     */
    public static List<String> unexpectedErrors(Path logDir, Collection<Pattern> expected) {
        List<String> unexpected = new ArrayList<>();
        if (!Files.isDirectory(logDir)) {
            return unexpected;
        }
        try (Stream<Path> files = Files.list(logDir)) {
            // log4j2 numbers rotated files upwards (karaf.log.1 is the oldest); karaf.log is the newest.
            List<Path> logs = files.filter(f -> f.getFileName().toString().matches("karaf\\.log(\\.\\d+)?"))
                    .sorted(Comparator.comparingLong(KarafLog::recency))
                    .toList();
            for (Path log : logs) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (!ERROR_LINE.matcher(line).find()) {
                        continue;
                    }
                    // Some ERROR lines say only "FrameworkEvent ERROR" and name their exception on the next line: a
                    // declared pattern is searched in both, joined by a newline.
                    String withCause = i + 1 < lines.size() && !RECORD_START.matcher(lines.get(i + 1)).find()
                            ? line + "\n" + lines.get(i + 1) : line;
                    if (expected.stream().noneMatch(p -> p.matcher(withCause).find())) {
                        unexpected.add(record(lines, i));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return unexpected;
    }

    /** The ERROR line with the first {@link #CAUSE_LINES} lines of its exception, if it has one. */
    private static String record(List<String> lines, int start) {
        StringBuilder record = new StringBuilder(lines.get(start));
        for (int i = start + 1; i < lines.size() && i <= start + CAUSE_LINES && !RECORD_START.matcher(lines.get(i)).find(); i++) {
            record.append('\n').append(lines.get(i));
        }
        return record.toString();
    }

    private static long recency(Path log) {
        String name = log.getFileName().toString();
        return name.equals("karaf.log") ? Long.MAX_VALUE : Long.parseLong(name.substring("karaf.log.".length()));
    }

    /** A failure message listing the first lines, or null when there are none. */
    public static String describe(List<String> unexpected, Path logDir) {
        if (unexpected.isEmpty()) {
            return null;
        }
        return unexpected.size() + " unexpected ERROR line(s) in " + logDir.resolve("karaf.log") + ":\n"
                + String.join("\n", unexpected.subList(0, Math.min(20, unexpected.size())));
    }
}
