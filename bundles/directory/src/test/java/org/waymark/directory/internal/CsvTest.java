package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
    @Test
    void quotedCommasNewlinesAndEscapedQuotesStayInTheirCell() {
        List<Csv.Row> rows = Csv.parse("id,text\r\n1,\"a, \"\"b\"\"\nc\"\r\n2,plain");

        assertThat(rows).hasSize(3);
        assertThat(rows.get(1).cells()).containsExactly("1", "a, \"b\"\nc");
        assertThat(rows.get(2).cells()).containsExactly("2", "plain");
        assertThat(rows.get(2).line()).isEqualTo(4);
    }

    @Test
    void strayCarriageReturnsBlankLinesAndAByteOrderMarkAreIgnored() {
        List<Csv.Row> rows = Csv.parse("\uFEFFid,name\r\r\n\r\n\n1,x\r\r\n");

        assertThat(rows).extracting(Csv.Row::cells).containsExactly(List.of("id", "name"), List.of("1", "x"));
        assertThat(rows.get(1).line()).isEqualTo(4);
    }
}
