package org.waymark.directory.internal;

import org.waymark.platform.db.DatabaseThreads;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobHandler;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.notify.ContactBook;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Notifier;
import org.waymark.api.notify.Party;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

/**
 * Keeps listings current, since out-of-date listings are the first complaint about every directory. Each service has
 * a "last confirmed" date; a daily durable job sends each service not confirmed for {@value #STALE_AFTER_DAYS} days an
 * "are these details still right?" message with a one-time link (at most one every {@value #RECHECK_DAYS} days), where
 * the provider confirms, reports a change or a closure, or marks the service full or waitlisted. Link workers report
 * "closed" or "changed" from the service page. Search flags stale and reported services.
 */
@Component(service = {Freshness.class, JobHandler.class}, configurationPid = "org.waymark.platform",
        configurationPolicy = org.osgi.service.component.annotations.ConfigurationPolicy.OPTIONAL)
public final class Freshness implements JobHandler {
    @interface Config {
        /** WAYMARK_BASE_URL: where providers' links point. */
        String baseUrl() default "";
    }

    static final String JOB = "directory.freshness-check";
    /** The longest note a report keeps (its column's size; the check page's field stops there too). */
    static final int MAX_NOTE = 1000;
    static final int STALE_AFTER_DAYS = 180;
    static final int RECHECK_DAYS = 30;
    static final int LINK_DAYS = 30;
    static final int CHECKS_PER_RUN = 200;
    static final Set<String> REPORTS = Set.of("closed", "changed");
    static final Set<String> CAPACITIES = Set.of("open", "full", "waitlist");
    private static final Logger LOG = LoggerFactory.getLogger(Freshness.class);

    private final DataSource db;
    private final Directory directory;
    private final Notifier notifier;
    private final ContactBook contacts;
    private final JobScheduler jobs;
    private final Clock clock;
    private final String baseUrl;
    private final ScheduledExecutorService daily = DatabaseThreads.scheduler("waymark-directory-daily");

    /** What the console and search show about a service's freshness. */
    record State(String serviceId, Instant lastConfirmed, Instant listedSince, Instant checkSent, String report,
                 String reportNote, String capacity, boolean stale) {
        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("lastConfirmed", lastConfirmed == null ? null : lastConfirmed.toString());
            json.put("stale", stale);
            json.put("report", report);
            json.put("reportNote", reportNote);
            json.put("capacity", capacity == null ? "open" : capacity);
            return json;
        }
    }

    /** A check that was sent: where, and its link (the token is not stored). */
    record Check(String serviceId, String link) {
    }

    @Activate
    public Freshness(Config config, @Reference(target = "(dataSourceName=waymark)") DataSource db,
                     @Reference(target = "(" + SchemaReady.BUNDLE_PROPERTY + "=org.waymark.directory)") SchemaReady schema,
                     @Reference Directory directory, @Reference Notifier notifier, @Reference ContactBook contacts,
                     @Reference JobScheduler jobs) {
        this(db, directory, notifier, contacts, jobs, Clock.systemUTC(), config.baseUrl().isBlank()
                ? "http://" + env("WAYMARK_HOST", "127.0.0.1") + ":" + env("WAYMARK_PORT", "8181") : config.baseUrl());
        // Today's run is created when it is due, not left pending for tomorrow: the (type, key) makes it once a day
        // across restarts and nodes, and the job list shows no standing work.
        daily.scheduleAtFixedRate(this::scheduleToday, 0, 1, TimeUnit.HOURS);
    }

    @Deactivate
    void deactivate() {
        DatabaseThreads.stop(daily, Duration.ofSeconds(2));
    }

    private void scheduleToday() {
        try {
            jobs.schedule(new JobRequest(JOB, "freshness-" + LocalDate.now(clock), "", null, 0));
        } catch (RuntimeException e) {
            LOG.warn("Could not schedule today's directory freshness check: {}", e.toString());
        }
    }

    Freshness(DataSource db, Directory directory, Notifier notifier, ContactBook contacts, JobScheduler jobs, Clock clock,
              String baseUrl) {
        this.baseUrl = baseUrl.replaceAll("/$", "");
        this.db = db;
        this.directory = directory;
        this.notifier = notifier;
        this.contacts = contacts;
        this.jobs = jobs;
        this.clock = clock;
    }

    @Override
    public String type() {
        return JOB;
    }

    /** The daily run: checks for the stalest services. */
    @Override
    public void run(Job job) {
        int sent = 0;
        Instant now = clock.instant();
        List<State> due = new ArrayList<>(states(directory.catalog().all(Kind.SERVICE).stream().map(Catalog::id).toList()).values());
        due.removeIf(s -> !s.stale() || (s.checkSent() != null && s.checkSent().isAfter(now.minus(Duration.ofDays(RECHECK_DAYS)))));
        due.sort(java.util.Comparator.comparing(s -> s.lastConfirmed() == null ? s.listedSince() : s.lastConfirmed()));
        for (State state : due.subList(0, Math.min(CHECKS_PER_RUN, due.size()))) {
            // A closed service (defunct, or inactive: also what a sync marks a service its source withdrew) is not
            // asked whether its details are still right: its provider may be gone, and nobody is signposted to it.
            if (directory.catalog().get(Kind.SERVICE, state.serviceId())
                    .filter(s -> !OnwardReferrals.CLOSED_STATUSES.contains(s.path("status").asText())).isPresent()) {
                sendCheck(state.serviceId());
                sent++;
            }
        }
        LOG.info("Directory freshness: {} check(s) sent", sent);
    }

    /** Sends a service the "are these details still right?" message now; the link goes into the message. */
    Check sendCheck(String serviceId) {
        ObjectNode service = directory.catalog().get(Kind.SERVICE, serviceId)
                .orElseThrow(() -> WaymarkException.notFound("No directory service with this id"));
        Party provider = ServiceContact.party(serviceId);
        ServiceContact.follow(contacts, db, Caller.system("directory"), serviceId, service);
        String token = OnwardReferrals.token();
        String link = baseUrl + "/api/directory-checks/" + token;
        Instant now = clock.instant();
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO dir_check_link (token_digest, service_id, created_at, expires_at) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, OnwardReferrals.digest(token));
                insert.setString(2, serviceId);
                insert.setTimestamp(3, Timestamp.from(now));
                insert.setTimestamp(4, Timestamp.from(now.plus(Duration.ofDays(LINK_DAYS))));
                insert.executeUpdate();
            }
            upsert(c, serviceId, "check_sent_at = ?", Timestamp.from(now));
            notifier.notify(c, new Notification("directory-check-" + OnwardReferrals.digest(token).substring(0, 32), provider, null,
                    "directory-check", "Are these details still right? " + service.path("name").asText(),
                    "Waymark lists " + service.path("name").asText() + " for link workers and the people they support. "
                            + "Please check the details are still right, or tell us what has changed: " + link,
                    Map.of("serviceId", serviceId, "link", link, Notification.ONE_TIME_LINK, link)));
            return null;
        });
        return new Check(serviceId, link);
    }

    /** The service a live check link is for. */
    String serviceForLink(String token) {
        if (token == null || token.length() < 20 || token.length() > 100) {
            throw WaymarkException.notFound("This link is not valid");
        }
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT service_id, expires_at, used_at FROM dir_check_link WHERE token_digest = ?")) {
                select.setString(1, OnwardReferrals.digest(token));
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        throw WaymarkException.notFound("This link is not valid");
                    }
                    if (rows.getTimestamp(3) != null) {
                        throw WaymarkException.notFound("This link has been used. Thank you; ask the directory team for a new one to change anything else");
                    }
                    if (rows.getTimestamp(2).toInstant().isBefore(clock.instant())) {
                        throw WaymarkException.notFound("This link has expired");
                    }
                    return rows.getString(1);
                }
            }
        });
    }

    /**
     * The provider's answer through a check link (used once): {@code answer} is still-right, changed or closed;
     * {@code capacity} open, full or waitlist (optional).
     */
    String answerCheck(String token, String answer, String note, String capacity) {
        String serviceId = serviceForLink(token);
        if (answer == null || !Set.of("still-right", "changed", "closed").contains(answer)) {
            throw WaymarkException.invalid("answer must be still-right, changed or closed");
        }
        if (answer.equals("changed") && (note == null || note.isBlank())) {
            throw WaymarkException.invalid("Please say what has changed");
        }
        if (capacity != null && !capacity.isBlank() && !CAPACITIES.contains(capacity)) {
            throw WaymarkException.invalid("capacity must be open, full or waitlist");
        }
        checkNote(note);
        Timestamp now = Timestamp.from(clock.instant());
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement use = c.prepareStatement(
                    "UPDATE dir_check_link SET used_at = ? WHERE token_digest = ? AND used_at IS NULL")) {
                use.setTimestamp(1, now);
                use.setString(2, OnwardReferrals.digest(token));
                if (use.executeUpdate() != 1) {
                    throw WaymarkException.notFound("This link has been used");
                }
            }
            if (answer.equals("still-right")) {
                confirmed(c, serviceId, "provider", now);
            } else {
                report(c, serviceId, answer, note, "provider", now);
            }
            List<ServiceHistory.Change> changes = new ArrayList<>();
            if (capacity != null && !capacity.isBlank()) {
                changes.add(capacityChange(c, serviceId, capacity));
                setCapacity(c, serviceId, capacity, now);
            }
            ServiceHistory.record(c, new ServiceHistory.Entry(serviceId, now.toInstant(), "provider", ServiceHistory.Source.PROVIDER,
                    switch (answer) {
                        case "still-right" -> "The provider confirmed the details are still right";
                        case "closed" -> "The provider reported the service closed" + noted(note);
                        default -> "The provider reported a change" + noted(note);
                    }, changes.stream().filter(java.util.Objects::nonNull).toList()));
            return null;
        });
        directory.refreshIfChanged();
        return serviceId;
    }

    /** A link worker's report from the service page: the service has closed, or its details have changed. */
    State report(Caller caller, String serviceId, String kind, String note) {
        service(serviceId);
        if (kind == null || !REPORTS.contains(kind)) {
            throw WaymarkException.invalid("kind must be closed or changed");
        }
        checkNote(note);
        Jdbc.inTransaction(db, c -> {
            Timestamp now = Timestamp.from(clock.instant());
            report(c, serviceId, kind, note, caller.id(), now);
            ServiceHistory.record(c, new ServiceHistory.Entry(serviceId, now.toInstant(), caller.id(), ServiceHistory.Source.REPORT,
                    (kind.equals("closed") ? "Reported closed" : "Reported changed") + noted(note), List.of()));
            return null;
        });
        return state(serviceId);
    }

    State capacity(Caller caller, String serviceId, String capacity) {
        service(serviceId);
        if (capacity == null || !CAPACITIES.contains(capacity)) {
            throw WaymarkException.invalid("capacity must be open, full or waitlist");
        }
        Jdbc.inTransaction(db, c -> {
            Timestamp now = Timestamp.from(clock.instant());
            ServiceHistory.Change change = capacityChange(c, serviceId, capacity);
            setCapacity(c, serviceId, capacity, now);
            if (change != null) {
                ServiceHistory.record(c, new ServiceHistory.Entry(serviceId, now.toInstant(), caller.id(),
                        ServiceHistory.Source.CAPACITY, "Capacity set", List.of(change)));
            }
            return null;
        });
        // The Open Referral API shows the capacity (an attribute): at once here, on other nodes at their next check.
        directory.refreshIfChanged();
        return state(serviceId);
    }

    State state(String serviceId) {
        service(serviceId);
        return states(List.of(serviceId)).get(serviceId);
    }

    /** The freshness of each of these services (all of them known to the catalog). */
    Map<String, State> states(Collection<String> serviceIds) {
        Instant staleBefore = clock.instant().minus(Duration.ofDays(STALE_AFTER_DAYS));
        Map<String, State> states = new LinkedHashMap<>();
        if (serviceIds.isEmpty()) {
            return states;
        }
        Jdbc.inTransaction(db, c -> {
            Map<String, Instant> listed = new HashMap<>();
            Map<String, Object[]> rows = new HashMap<>();
            for (List<String> chunk : chunks(List.copyOf(serviceIds), 500)) {
                String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
                try (PreparedStatement select = c.prepareStatement("SELECT id, updated_at FROM dir_service WHERE id IN (" + marks + ")")) {
                    bind(select, chunk);
                    try (ResultSet r = select.executeQuery()) {
                        while (r.next()) {
                            listed.put(r.getString(1), r.getTimestamp(2).toInstant());
                        }
                    }
                }
                try (PreparedStatement select = c.prepareStatement("SELECT service_id, last_confirmed_at, check_sent_at, report,"
                        + " report_note, capacity FROM dir_freshness WHERE service_id IN (" + marks + ")")) {
                    bind(select, chunk);
                    try (ResultSet r = select.executeQuery()) {
                        while (r.next()) {
                            rows.put(r.getString(1), new Object[] {instant(r.getTimestamp(2)), instant(r.getTimestamp(3)),
                                    r.getString(4), r.getString(5), r.getString(6)});
                        }
                    }
                }
            }
            for (String id : serviceIds) {
                Object[] row = rows.getOrDefault(id, new Object[5]);
                Instant confirmed = (Instant) row[0];
                Instant since = listed.getOrDefault(id, clock.instant());
                Instant basis = confirmed == null ? since : confirmed;
                String report = (String) row[2];
                states.put(id, new State(id, confirmed, since, (Instant) row[1], report, (String) row[3], (String) row[4],
                        basis.isBefore(staleBefore) || report != null));
            }
            return null;
        });
        return states;
    }

    private void service(String serviceId) {
        directory.catalog().get(Kind.SERVICE, serviceId).orElseThrow(() -> WaymarkException.notFound("No directory service with this id"));
    }

    /**
     * The details are confirmed as they stand (the provider said so, or an admin saved them): last confirmed now, by
     * whom, and any open report of a closure or change is settled.
     */
    static void confirmed(Connection c, String serviceId, String by, Timestamp at) throws SQLException {
        upsert(c, serviceId, "last_confirmed_at = ?, last_confirmed_by = ?, report = NULL, report_note = NULL,"
                + " reported_by = NULL, reported_at = NULL", at, by);
    }

    /** The capacity's change for the history, or null when it stays the same. */
    private static ServiceHistory.Change capacityChange(Connection c, String serviceId, String capacity) throws SQLException {
        String before = "open";
        try (PreparedStatement select = c.prepareStatement("SELECT capacity FROM dir_freshness WHERE service_id = ?")) {
            select.setString(1, serviceId);
            try (ResultSet rows = select.executeQuery()) {
                if (rows.next() && rows.getString(1) != null) {
                    before = rows.getString(1);
                }
            }
        }
        return before.equals(capacity) ? null : new ServiceHistory.Change("capacity", before, capacity);
    }

    /**
     * A report's note is kept whole or refused (400), never cut. Found probing: a longer note was kept as its first
     * 1,000 characters without a word, so what the link worker or provider said was lost from its end (as onward
     * referrals' notes were, see {@link OnwardReferrals#note}).
     */
    static void checkNote(String note) {
        if (note != null && note.strip().length() > MAX_NOTE) {
            throw WaymarkException.invalid("note must be at most " + MAX_NOTE + " characters (it has " + note.strip().length() + ")");
        }
    }

    private static String noted(String note) {
        return note == null || note.isBlank() ? "" : ": " + ServiceHistory.clip(note.strip(), 900);
    }

    private static void report(Connection c, String serviceId, String kind, String note, String by, Timestamp at) throws SQLException {
        upsert(c, serviceId, "report = ?, report_note = ?, reported_by = ?, reported_at = ?", kind,
                note == null || note.isBlank() ? null : note.strip(), by, at);
    }

    private static void setCapacity(Connection c, String serviceId, String capacity, Timestamp at) throws SQLException {
        upsert(c, serviceId, "capacity = ?, capacity_at = ?", capacity.equals("open") ? null : capacity, at);
    }

    /** Updates the service's freshness row, creating it first if it has none (plain SQL for Derby and PostgreSQL). */
    private static void upsert(Connection c, String serviceId, String set, Object... values) throws SQLException {
        if (update(c, serviceId, set, values) == 0) {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO dir_freshness (service_id) VALUES (?)")) {
                insert.setString(1, serviceId);
                insert.executeUpdate();
            }
            update(c, serviceId, set, values);
        }
    }

    private static int update(Connection c, String serviceId, String set, Object... values) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE dir_freshness SET " + set + " WHERE service_id = ?")) {
            int i = 1;
            for (Object value : values) {
                update.setObject(i++, value);
            }
            update.setString(i, serviceId);
            return update.executeUpdate();
        }
    }

    private static void bind(PreparedStatement statement, List<String> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            statement.setString(i + 1, values.get(i));
        }
    }

    private static <T> List<List<T>> chunks(List<T> all, int size) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < all.size(); i += size) {
            chunks.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return chunks;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
