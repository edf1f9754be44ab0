package org.waymark.pathfinder.sheffield.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailroomTest {
    @TempDir
    Path folder;

    @Test
    void aLetterIsOnePrintableFileNamedByItsMessageIdAndARetryReplacesIt() throws Exception {
        Mailroom mailroom = new Mailroom(folder);
        String name = mailroom.write("msg-1", "Mrs M Holloway\n1 Elm Road\nSheffield S10 2TN", "Your referral",
                "We tried to phone you.\n\nPlease call us on 0114 000 0000.", LocalDate.of(2026, 6, 1));
        mailroom.write("msg-1", "Mrs M Holloway\n1 Elm Road\nSheffield S10 2TN", "Your referral", "Second try", LocalDate.of(2026, 6, 2));

        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(name);
        }
        String letter = Files.readString(folder.resolve(name));
        assertThat(letter).contains("Second try", "2 June 2026", "Sheffield S10 2TN").doesNotContain("phone you");
    }

    @Test
    void textIsEscapedSoALetterCannotCarryMarkup() {
        assertThat(Mailroom.html("<b>x</b>", "A & B", "<script>alert(1)</script>", LocalDate.of(2026, 1, 1)))
                .contains("&lt;script&gt;", "A &amp; B").doesNotContain("<script>alert");
    }
}
