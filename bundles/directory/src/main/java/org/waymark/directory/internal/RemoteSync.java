package org.waymark.directory.internal;

import org.waymark.platform.db.DatabaseThreads;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.admin.AdminCommand;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobHandler;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.security.Caller;

/**
 * Sync from another Open Referral UK API: pages through its {@code /services}, reads each service fully nested from
 * {@code /services/{id}} (and its {@code /taxonomies} when it has them), and imports the lot as one all-or-nothing
 * import, upserting by id. Run by {@code ./waymark directory-sync URL}, and daily when WAYMARK_DIRECTORY_SYNC_URL is
 * set (a durable job). A sync is an import run like any other: listed with the runs, audited, and refused while another
 * import is going on (found probing: it wrote beside the runs, so the daily sync's outcome was only in the log and it
 * could write in the middle of an admin's upload).
 */
@Component(service = {RemoteSync.class, AdminCommand.class, JobHandler.class}, configurationPid = "org.waymark.platform",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class RemoteSync implements AdminCommand, JobHandler {
    static final String JOB = "directory.sync";
    static final int MAX_PAGES = 1000;
    static final String ALLOW_REMOVALS = "--allow-removals";
    /** The largest answer read from the remote, as for one file of an uploaded zip. */
    static final int MAX_ANSWER_BYTES = 50 * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(RemoteSync.class);

    @interface Config {
        /** WAYMARK_DIRECTORY_SYNC_URL: an ORUK API base to copy from every day; empty for none. */
        String directorySyncUrl() default "";
    }

    private final Directory directory;
    private final ImportRuns runs;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final String dailyUrl;
    private final int maxAnswerBytes;
    private final ScheduledExecutorService daily = DatabaseThreads.scheduler("waymark-directory-sync");

    @Activate
    public RemoteSync(Config config, @Reference Directory directory, @Reference ImportRuns runs, @Reference JobScheduler jobs) {
        this.directory = directory;
        this.runs = runs;
        this.maxAnswerBytes = MAX_ANSWER_BYTES;
        this.dailyUrl = config.directorySyncUrl().strip();
        if (!dailyUrl.isEmpty()) {
            // As the freshness check: today's run is created when due (once a day by its key), never left pending.
            daily.scheduleAtFixedRate(() -> {
                try {
                    jobs.schedule(new JobRequest(JOB, "sync-" + LocalDate.now(ZoneOffset.UTC), dailyUrl, null, 0));
                } catch (RuntimeException e) {
                    LOG.warn("Could not schedule today's directory sync: {}", e.toString());
                }
            }, 0, 1, TimeUnit.HOURS);
        }
    }

    @Deactivate
    void deactivate() {
        DatabaseThreads.stop(daily, Duration.ofSeconds(2));
    }

    RemoteSync(Directory directory, ImportRuns runs) {
        this(directory, runs, MAX_ANSWER_BYTES);
    }

    RemoteSync(Directory directory, ImportRuns runs, int maxAnswerBytes) {
        this.directory = directory;
        this.runs = runs;
        this.maxAnswerBytes = maxAnswerBytes;
        this.dailyUrl = "";
    }

    @Override
    public String name() {
        return "directory-sync";
    }

    @Override
    public String usage() {
        return "directory-sync URL [--allow-removals]\n"
                + "    copies every service of another Open Referral UK API (its base URL, e.g. https://example.org/api/v1)\n"
                + "    into the directory, all or nothing; WAYMARK_DIRECTORY_SYNC_URL makes it daily. What the remote no longer\n"
                + "    lists is taken away (services marked inactive), at most " + SyncRemovals.MAX_SHARE_PERCENT
                + "% of what it gave at once unless --allow-removals.";
    }

    @Override
    public String run(List<String> arguments) {
        List<String> urls = arguments.stream().filter(a -> !a.equals(ALLOW_REMOVALS)).toList();
        if (urls.size() != 1 || urls.get(0).startsWith("-")) {
            throw WaymarkException.invalid("Usage: " + usage());
        }
        Sync sync;
        try {
            sync = sync(urls.get(0), Caller.system("operator"), arguments.contains(ALLOW_REMOVALS));
        } catch (ImportRuns.Busy busy) {
            throw WaymarkException.conflict(busy.getMessage() + " (" + "/api/directory/imports/" + busy.activeId() + ")");
        }
        if (sync.report() == null) {
            // Stopped before any record was read: the remote could not be read, the caller's mistake.
            throw WaymarkException.invalid(sync.run().detail());
        }
        String text = "Import run " + sync.run().id() + ": " + sync.run().state().json() + "\n" + sync.report().text();
        if (sync.run().state() != ImportRun.State.APPLIED) {
            throw WaymarkException.unprocessable(text + (sync.run().detail() == null ? "" : "\n  " + sync.run().detail()));
        }
        return text;
    }

    @Override
    public String type() {
        return JOB;
    }

    /**
     * Starts today's sync as an import run and returns: the run is followed in the import runs, not here. Found
     * probing: run in the job, a sync of a directory large enough to need more than the job time limit (60 s by
     * default; one request per service) was timed out and retried while it went on, and counted against the
     * directory's job handlers until they were marked failed.
     */
    @Override
    public void run(Job job) {
        String base = base(job.payload());
        Caller caller = Caller.system("directory-sync");
        try {
            // The daily sync never removes more than its share: a broken remote must not empty the directory unattended.
            ImportRun run = runs.submit(caller, "sync from " + base, work(base, caller, false, new AtomicReference<>()), () -> { });
            LOG.info("Directory sync from {} started as import run {}", base, run.id());
        } catch (ImportRuns.Busy busy) {
            // Retried with the job's backoff: today's copy is still due once the other import has ended.
            throw WaymarkException.conflict(busy.getMessage());
        }
    }

    /** A sync's run, and its report when the remote was read (none when it could not be). */
    record Sync(ImportRun run, Directory.ImportReport report) {
    }

    /** Copies the remote API as one import run of {@code caller}; {@link ImportRuns.Busy} while another import runs. */
    Sync sync(String baseUrl, Caller caller) {
        return sync(baseUrl, caller, false);
    }

    /** As {@link #sync(String, Caller)}; {@code allowRemovals}: the admin confirmed that the remote withdrew that much. */
    Sync sync(String baseUrl, Caller caller, boolean allowRemovals) {
        String base = base(baseUrl);
        AtomicReference<Directory.ImportReport> report = new AtomicReference<>();
        ImportRun run = runs.runNow(caller, "sync from " + base, work(base, caller, allowRemovals, report));
        return new Sync(run, report.get());
    }

    private static String base(String baseUrl) {
        String base = baseUrl == null ? "" : baseUrl.strip().replaceAll("/+$", "");
        if (!base.startsWith("http://") && !base.startsWith("https://")) {
            throw WaymarkException.invalid("The sync URL must be an http(s) Open Referral API base, e.g. https://example.org/api");
        }
        return base;
    }

    /** The import of the remote API, as a run does it; {@code report} is given its report once the remote is read. */
    private ImportRuns.Work work(String base, Caller caller, boolean allowRemovals, AtomicReference<Directory.ImportReport> report) {
        return (progress, lastStep) -> {
            ImportBatch batch = new ImportBatch(progress);
            progress.begin(ImportProgress.Phase.READING, java.util.Map.of());
            read(base, batch);
            report.set(directory.apply(batch, caller.id(), base, lastStep, new Directory.SyncOrigin(base, allowRemovals)));
            if (!report.get().applied()) {
                LOG.warn("Directory sync from {} refused: {} problem(s)", base, report.get().errors().size());
            }
            return report.get();
        };
    }

    /** Reads every service of the remote API, fully nested, and its taxonomies and their terms into the batch. */
    private void read(String base, ImportBatch batch) {
        Set<String> ids = new LinkedHashSet<>();
        for (int page = 1; page <= MAX_PAGES; page++) {
            JsonNode list = get(base + "/services?per_page=100&page=" + page)
                    .orElseThrow(() -> WaymarkException.invalid("The remote API has no /services"));
            JsonNode contents = list.path("contents");
            for (int i = 0; i < contents.size(); i++) {
                String id = contents.get(i).path("id").asText("");
                if (id.isBlank()) {
                    // Found reading the sync: it was fetched as /services/, which many APIs answer with the list.
                    batch.error("services page " + page + " contents[" + i + "]: a service without an id");
                } else {
                    ids.add(id);
                }
            }
            if (list.path("contents").isEmpty() || list.path("last_page").asBoolean(true)
                    || page >= list.path("total_pages").asInt(page)) {
                break;
            }
        }
        for (String id : ids) {
            get(base + "/services/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20")).ifPresentOrElse(
                    service -> JsonRecords.read(service, Optional.of(Kind.SERVICE), "services/" + id, batch),
                    () -> batch.error("services/" + id + ": listed but not found"));
        }
        get(base + "/taxonomies?per_page=1000").ifPresent(taxonomies ->
                JsonRecords.read(taxonomies, Optional.of(Kind.TAXONOMY), "taxonomies", batch));
        // A service's attribute may name its term by taxonomy_term_id alone, without the term nested: the terms are
        // read as well, or the import's reference check refuses the whole sync for a term it was never shown.
        for (int page = 1; page <= MAX_PAGES; page++) {
            Optional<JsonNode> terms = get(base + "/taxonomy_terms?per_page=1000&page=" + page);
            if (terms.isEmpty()) {
                break;
            }
            JsonRecords.read(terms.get(), Optional.of(Kind.TAXONOMY_TERM), "taxonomy_terms page " + page, batch);
            JsonNode list = terms.get();
            if (list.path("contents").isEmpty() || list.path("last_page").asBoolean(true)
                    || page >= list.path("total_pages").asInt(page)) {
                break;
            }
        }
    }

    /**
     * The JSON at this URL; empty for a 404; a failure otherwise. Found reading the sync: the answer was read whole
     * into memory however large (a remote streaming without end took the node's heap), and as loosely as no upload is (a field
     * named twice, its last value taken), with the parser's own message in the report.
     */
    private Optional<JsonNode> get(String url) {
        try {
            HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream body = response.body()) {
                if (response.statusCode() == 404) {
                    return Optional.empty();
                }
                if (response.statusCode() != 200) {
                    throw WaymarkException.invalid("The remote API answered " + response.statusCode() + " for " + url);
                }
                byte[] bytes = body.readNBytes(maxAnswerBytes + 1);
                if (bytes.length > maxAnswerBytes) {
                    throw WaymarkException.invalid("The remote API's answer for " + url + " is larger than "
                            + (maxAnswerBytes >= 1024 * 1024 ? maxAnswerBytes / (1024 * 1024) + " MiB" : maxAnswerBytes + " bytes"));
                }
                try {
                    return Optional.of(StrictJson.MAPPER.readTree(bytes));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw WaymarkException.invalid("The remote API's answer for " + url + " is not valid JSON" + StrictJson.where(e));
                }
            }
        } catch (IOException e) {
            LOG.warn("Directory sync could not read {}: {}", url, e.toString());
            throw WaymarkException.invalid("Cannot read " + url + (e instanceof java.net.http.HttpTimeoutException ? ": no answer in time"
                    : e instanceof java.net.ConnectException ? ": cannot connect" : ""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw WaymarkException.invalid("Interrupted while reading " + url);
        }
    }
}
