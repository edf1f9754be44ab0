package org.waymark.referrals.internal;

import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.api.report.ReportDefinition;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;

/**
 * Runs the report definitions areas add (plugins): on a read-only connection, through the plugin guard, for the
 * caller's own areas only, with small numbers suppressed before anything leaves the server, and audited.
 */
@Component(service = AreaReports.class)
public final class AreaReports {
    static final int SUPPRESSION_THRESHOLD = 5;
    static final Duration TIME_LIMIT = Duration.ofSeconds(20);
    static final int MAX_ROWS = 1000;

    public record Summary(String id, String title, String area, String plugin) {
    }

    public record Row(String label, List<String> counts) {
    }

    public record Result(String id, String title, String area, LocalDate from, LocalDate to, List<String> columns,
                         List<Row> rows, String suppression) {
    }

    private final DataSource db;
    private final PluginRegistry plugins;
    private final AuditLog audit;

    @Activate
    public AreaReports(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference PluginRegistry plugins,
                       @Reference AuditLog audit) {
        this.db = db;
        this.plugins = plugins;
        this.audit = audit;
    }

    public List<Summary> list(Caller caller) {
        List<Summary> reports = new ArrayList<>();
        for (String area : new java.util.TreeSet<>(caller.areas())) {
            for (PluginService<ReportDefinition> report : plugins.services(ReportDefinition.class, area)) {
                try {
                    reports.add(plugins.call(report, Duration.ofSeconds(1), r -> new Summary(r.id(), r.title(), area, report.pluginId())));
                } catch (PluginCallException e) {
                    // Left out; the guard counted it and the plugins page shows the error.
                }
            }
        }
        return reports;
    }

    public Result run(Caller caller, String id, String area, LocalDate from, LocalDate to) {
        if (area == null || !caller.areas().contains(area)) {
            throw WaymarkException.forbidden("Reports are for your own areas");
        }
        if (from == null || to == null || to.isBefore(from)) {
            throw WaymarkException.invalid("Give a date range: from and to (YYYY-MM-DD), from not after to");
        }
        PluginService<ReportDefinition> report = find(id, area)
                .orElseThrow(() -> WaymarkException.notFound("No report " + PatientLinker.clip(id, 64) + " for " + area));
        record Table(String title, List<String> columns, List<ReportDefinition.Row> rows) {
        }
        Table table;
        try {
            table = plugins.call(report, TIME_LIMIT, r -> {
                try (Connection c = db.getConnection()) {
                    // A pooled connection: whatever the report does is rolled back, and the connection goes back to
                    // the pool writable, as it came.
                    boolean autoCommit = c.getAutoCommit();
                    c.setAutoCommit(false);
                    c.setReadOnly(true);
                    try {
                        return new Table(r.title(), List.copyOf(r.columns()), r.rows(c, area, from, to));
                    } finally {
                        c.rollback();
                        c.setReadOnly(false);
                        c.setAutoCommit(autoCommit);
                    }
                }
            });
        } catch (PluginCallException e) {
            throw new WaymarkException(WaymarkException.Kind.UNAVAILABLE, "The report could not be made: its plugin "
                    + (e.timedOut() ? "took too long" : "failed"));
        }
        int counts = table.columns().size() - 1;
        if (counts < 1 || table.rows().size() > MAX_ROWS
                || table.rows().stream().anyMatch(row -> row.counts().size() != counts || row.counts().stream().anyMatch(n -> n == null || n < 0))) {
            throw new WaymarkException(WaymarkException.Kind.UNAVAILABLE, "The report's plugin returned a table that does not fit its columns");
        }
        List<List<String>> shown = SmallNumbers.suppress(table.rows().stream().map(ReportDefinition.Row::counts).toList(),
                SUPPRESSION_THRESHOLD);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            rows.add(new Row(table.rows().get(i).label(), shown.get(i)));
        }
        audit.record(caller, AuditLog.Action.READ, "Report", id + " " + area + " " + from + ".." + to, null);
        return new Result(id, table.title(), area, from, to, table.columns(), rows,
                "Counts from 1 to " + (SUPPRESSION_THRESHOLD - 1) + " are shown as *, with the next smallest count of a column where one alone would be");
    }

    private Optional<PluginService<ReportDefinition>> find(String id, String area) {
        for (PluginService<ReportDefinition> report : plugins.services(ReportDefinition.class, area)) {
            try {
                if (id.equals(plugins.call(report, Duration.ofSeconds(1), ReportDefinition::id))) {
                    return Optional.of(report);
                }
            } catch (PluginCallException e) {
                // Not this one.
            }
        }
        return Optional.empty();
    }

    /** A result as CSV (RFC 4180), suppression included. */
    static String csv(Result result) {
        StringBuilder out = new StringBuilder();
        out.append(String.join(",", result.columns().stream().map(AreaReports::field).toList())).append("\r\n");
        for (Row row : result.rows()) {
            out.append(field(row.label()));
            row.counts().forEach(count -> out.append(',').append(count));
            out.append("\r\n");
        }
        return out.toString();
    }

    private static String field(String text) {
        String value = text == null ? "" : text;
        // A leading =, +, - or @ would run as a formula in a spreadsheet.
        if (!value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0) {
            value = "'" + value;
        }
        return value.matches(".*[\",\\r\\n].*") ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

}
