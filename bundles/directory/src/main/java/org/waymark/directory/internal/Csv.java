package org.waymark.directory.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV, tolerant of what published data packages contain: CRLF, stray CRs (some files end lines with CR CR
 * LF), blank lines, a byte-order mark and a missing final newline.
 */
final class Csv {
    private Csv() {
    }

    /** One row's cells and the line of the file it starts on (1-based), for error reports. */
    record Row(int line, List<String> cells) {
    }

    /** Each row with its cells; the first row is the header. Blank rows are dropped. */
    static List<Row> parse(String text) {
        List<Row> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        int line = 1;
        int rowLine = 1;
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean cellStarted = false;
        int start = !text.isEmpty() && text.charAt(0) == '\uFEFF' ? 1 : 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    cell.append(c);
                }
            } else if (c == '"' && !cellStarted) {
                quoted = true;
                cellStarted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
                cellStarted = false;
            } else if (c == '\n') {
                row.add(cell.toString());
                addRow(rows, row, rowLine);
                rowLine = ++line;
                row = new ArrayList<>();
                cell.setLength(0);
                cellStarted = false;
            } else if (c != '\r') {
                cell.append(c);
                cellStarted = true;
            }
        }
        if (cellStarted || !row.isEmpty() || cell.length() > 0) {
            row.add(cell.toString());
            addRow(rows, row, rowLine);
        }
        return rows;
    }

    private static void addRow(List<Row> rows, List<String> row, int line) {
        if (!(row.size() == 1 && row.get(0).isBlank())) {
            rows.add(new Row(line, row));
        }
    }
}
