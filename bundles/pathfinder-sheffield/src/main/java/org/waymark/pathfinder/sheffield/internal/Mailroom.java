package org.waymark.pathfinder.sheffield.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The folder the Sheffield team's print room collects letters from: one printable HTML file per letter, named by the
 * notification's stable message id, so a delivery that is retried overwrites its own letter and never prints twice.
 */
final class Mailroom {
    private static final DateTimeFormatter LETTER_DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK);
    private final Path folder;

    Mailroom(Path folder) {
        this.folder = folder;
    }

    /** The configured folder, else {@code $WAYMARK_DATA/letters/sheffield}. */
    static Mailroom of(SheffieldConfig config) {
        if (!config.lettersFolder().isBlank()) {
            return new Mailroom(Path.of(config.lettersFolder()));
        }
        String data = System.getenv("WAYMARK_DATA");
        return new Mailroom(Path.of(data == null || data.isBlank() ? "data" : data, "letters", "sheffield"));
    }

    /** Writes the letter (atomically: the print room never sees half a letter) and answers its file name. */
    String write(String messageId, String address, String subject, String text, LocalDate date) throws IOException {
        Files.createDirectories(folder);
        String fileName = messageId.replaceAll("[^A-Za-z0-9-]", "_") + ".html";
        Path partial = folder.resolve(fileName + ".part");
        Files.writeString(partial, html(address, subject, text, date), StandardCharsets.UTF_8);
        Files.move(partial, folder.resolve(fileName), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return fileName;
    }

    static String html(String address, String subject, String text, LocalDate date) {
        StringBuilder page = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(subject)).append("</title><style>body{font:14pt/1.5 Arial,sans-serif;max-width:40em;margin:2cm}"
                        + ".address{white-space:pre-line;margin-bottom:2em}</style></head><body>\n<p class=\"address\">")
                .append(escape(address)).append("</p>\n<p>").append(LETTER_DATE.format(date)).append("</p>\n<h1>")
                .append(escape(subject)).append("</h1>\n");
        for (String paragraph : text.split("\\R\\s*\\R")) {
            page.append("<p>").append(escape(paragraph.strip())).append("</p>\n");
        }
        return page.append("<p>Sheffield social prescribing service</p>\n</body></html>\n").toString();
    }

    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
