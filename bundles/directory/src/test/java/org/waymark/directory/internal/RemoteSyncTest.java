package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.directory.testing.OrukSchemas;
import org.waymark.platform.testing.TestDatabase;

/** Sync from a remote Open Referral UK API, served here by a local test server from the UK profile's examples. */
class RemoteSyncTest {
    private static final Path EXAMPLES = OrukSchemas.FIXTURES.resolve("open-referral-uk/uk-profile/examples");
    private static final String EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b";
    private final AtomicInteger listRequests = new AtomicInteger();
    private HttpServer remote;
    /** The /changing remote's /taxonomy_terms answer; null: 404. */
    private volatile String changingTerms;
    private String base;
    private volatile String serviceBody;
    private volatile String listBody;
    /** Holds the remote's answer for the service until released: a remote slower than any time limit. */
    private volatile java.util.concurrent.CountDownLatch remoteAnswers = new java.util.concurrent.CountDownLatch(0);
    private final List<String> audited = new ArrayList<>();
    /** The services of the remote at /changing, by id, each fully nested. */
    private final java.util.Map<String, String> changing = new java.util.concurrent.ConcurrentSkipListMap<>();
    private Directory directory;
    private ImportRuns runs;
    private RemoteSync sync;

    @BeforeEach
    void remoteApi() throws Exception {
        javax.sql.DataSource db = TestDatabase.migrated("db/directory.xml");
        directory = new Directory(new DirectoryStore(db), Clock.systemUTC());
        AuditLog audit = (caller, action, type, id, patient) -> audited.add(caller.id() + " " + type + " " + id);
        runs = new ImportRuns(directory, new ImportRunStore(db), audit, Clock.systemUTC(), "node-a");
        sync = new RemoteSync(directory, runs);
        serviceBody = Files.readString(EXAMPLES.resolve("service_full.json"));
        remote = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        remote.createContext("/oruk/", exchange -> {
            String path = exchange.getRequestURI().getPath().substring("/oruk".length());
            String body = null;
            if (path.equals("/services")) {
                listRequests.incrementAndGet();
                body = listBody != null ? listBody : Files.readString(EXAMPLES.resolve("service_list.json"));
            } else if (path.equals("/services/" + EXAMPLE_SERVICE)) {
                try {
                    remoteAnswers.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                body = serviceBody;
            } else if (path.equals("/taxonomies")) {
                body = Files.readString(EXAMPLES.resolve("taxonomy_list.json"));
            }
            byte[] bytes = body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        remote.createContext("/changing/", exchange -> {
            String path = exchange.getRequestURI().getPath().substring("/changing".length());
            String body = null;
            if (path.equals("/services")) {
                body = "{\"total_items\": " + changing.size() + ", \"total_pages\": 1, \"page_number\": 1, \"size\": "
                        + changing.size() + ", \"first_page\": true, \"last_page\": true, \"empty\": " + changing.isEmpty()
                        + ", \"contents\": [" + String.join(", ", changing.values()) + "]}";
            } else if (path.startsWith("/services/")) {
                body = changing.get(path.substring("/services/".length()));
            } else if (path.equals("/taxonomy_terms")) {
                body = changingTerms;
            }
            byte[] bytes = body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        remote.start();
        base = "http://127.0.0.1:" + remote.getAddress().getPort() + "/oruk/";
    }

    @AfterEach
    void stop() {
        remote.stop(0);
    }

    @Test
    void everyListedServiceIsCopiedFullyNestedWithTheTaxonomies() throws Exception {
        Directory.ImportReport report = sync.sync(base, Caller.system("test")).report();

        assertThat(report.errors()).isEmpty();
        assertThat(report.applied()).isTrue();
        // The example list says 10 pages: all are read, and the one service in them is fetched once.
        assertThat(listRequests.get()).isEqualTo(10);
        Catalog catalog = directory.catalog();
        assertThat(catalog.get(Kind.SERVICE, EXAMPLE_SERVICE)).isPresent();
        assertThat(catalog.locationsOf(EXAMPLE_SERVICE)).isNotEmpty();
        assertThat(catalog.count(Kind.TAXONOMY)).isGreaterThan(0);
    }

    @Test
    void aBrokenRemoteRecordAppliesNothing() throws Exception {
        serviceBody = serviceBody.replace("\"status\": \"active\"", "\"status\": \"waitlist\"");
        Directory.ImportReport report = sync.sync(base, Caller.system("test")).report();

        assertThat(report.applied()).isFalse();
        assertThat(report.errors()).singleElement().asString().contains("services/" + EXAMPLE_SERVICE).contains("status 'waitlist'");
        assertThat(directory.catalog().count(Kind.SERVICE)).isZero();
    }

    @Test
    void anUnreachableOrWrongUrlIsTheCallersMistake() throws Exception {
        assertThatThrownBy(() -> sync.run(List.of("ftp://example.org"))).isInstanceOf(WaymarkException.class);
        assertThatThrownBy(() -> sync.run(List.of(base + "nothing-here"))).hasMessageContaining("no /services");
    }

    @Test
    void aSyncIsAnImportRunListedAndAuditedLikeAnUpload() {
        RemoteSync.Sync done = sync.sync(base, Caller.system("directory-sync"));

        ImportRun run = runs.recent(1).get(0);
        assertThat(run.id()).isEqualTo(done.run().id());
        assertThat(run.state()).isEqualTo(ImportRun.State.APPLIED);
        assertThat(run.actor()).isEqualTo("system:directory-sync");
        assertThat(run.source()).isEqualTo("sync from " + base.replaceAll("/+$", ""));
        assertThat(run.records()).isEqualTo(done.report().records());
        assertThat(run.doc().path("counts").path("service").asInt()).isEqualTo(1);
        assertThat(audited).containsExactly("system:directory-sync DirectoryImport run " + run.id() + " started",
                "system:directory-sync DirectoryImport run " + run.id() + " applied " + run.records() + " records "
                        + done.report().counts());
    }

    @Test
    void aRemoteThatCannotBeReadEndsItsRunFailedWithTheReason() {
        assertThatThrownBy(() -> sync.run(List.of(base + "nothing-here"))).hasMessageContaining("no /services");

        ImportRun run = runs.recent(1).get(0);
        assertThat(run.state()).isEqualTo(ImportRun.State.FAILED);
        assertThat(run.actor()).isEqualTo("system:operator");
        assertThat(run.detail()).contains("no /services");
        assertThat(directory.catalog().count(Kind.SERVICE)).isZero();
    }

    @Test
    void aSyncWhileAnotherImportRunsIsRefusedAndWritesNothing() {
        Caller admin = new Caller("admin", Caller.Kind.USER, Set.of(Roles.ADMIN), Set.of("sheffield"), false);
        List<Throwable> refused = new ArrayList<>();

        ImportRun upload = runs.runNow(admin, "upload", (progress, lastStep) -> {
            // The admin's import is going on: the operator's sync and the daily job are both turned away.
            try {
                sync.run(List.of(base));
            } catch (WaymarkException e) {
                refused.add(e);
            }
            try {
                sync.sync(base, Caller.system("directory-sync"));
            } catch (ImportRuns.Busy e) {
                refused.add(e);
            }
            ImportBatch empty = new ImportBatch(progress);
            return directory.apply(empty, "admin", "upload", lastStep);
        });

        assertThat(refused).hasSize(2);
        assertThat(refused.get(0)).isInstanceOf(WaymarkException.class).hasMessageContaining(upload.id());
        assertThat(((WaymarkException) refused.get(0)).kind().status()).isEqualTo(409);
        assertThat(refused.get(1)).isInstanceOf(ImportRuns.Busy.class);
        assertThat(directory.catalog().count(Kind.SERVICE)).isZero();
        assertThat(runs.recent(10)).extracting(ImportRun::id).containsExactly(upload.id());
    }

    @Test
    void theDailyJobStartsTheSyncAsARunAndReturnsWithoutWaitingForTheRemote() {
        // Found probing: the job ran the whole sync under the job time limit (60 s), so a large directory's sync was
        // timed out and retried while it went on.
        remoteAnswers = new java.util.concurrent.CountDownLatch(1);
        sync.run(new org.waymark.api.jobs.Job("j1", RemoteSync.JOB, "sync-today", base, 1, java.time.Instant.now()));

        ImportRun started = runs.recent(1).get(0);
        assertThat(started.state().ended()).as("returned while the remote had not answered").isFalse();
        assertThat(started.actor()).isEqualTo("system:directory-sync");
        // Retried later (a declared outcome, not a fault of the handler) while today's run is still going.
        assertThatThrownBy(() -> sync.run(new org.waymark.api.jobs.Job("j2", RemoteSync.JOB, "sync-other", base, 1,
                java.time.Instant.now()))).isInstanceOf(WaymarkException.class).hasMessageContaining("Another directory import");

        remoteAnswers.countDown();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> runs.find(started.id()).orElseThrow().state() == ImportRun.State.APPLIED);
        assertThat(directory.catalog().get(Kind.SERVICE, EXAMPLE_SERVICE)).isPresent();
    }

    @Test
    void anAnswerTooLargeOrWithAFieldNamedTwiceFailsTheRunSayingWhereAndWritesNothing() {
        // Found reading the sync: answers were read whole however large, and a field named twice was taken as its last.
        RemoteSync small = new RemoteSync(directory, runs, 4096);
        assertThatThrownBy(() -> small.run(List.of(base))).hasMessageContaining("/services/" + EXAMPLE_SERVICE)
                .hasMessageContaining("is larger than 4096 bytes");
        assertThat(runs.recent(1).get(0).state()).isEqualTo(ImportRun.State.FAILED);

        serviceBody = serviceBody.replaceFirst("\\{", "{\"name\": \"Another name\",");
        assertThatThrownBy(() -> sync.run(List.of(base))).hasMessageContaining("is not valid JSON")
                .hasMessageContaining("the field 'name' is named twice");
        assertThat(runs.recent(1).get(0).detail()).contains("named twice").doesNotContain("Duplicate");
        assertThat(directory.catalog().count(Kind.SERVICE)).isZero();
    }

    @Test
    void aListedServiceWithoutAnIdIsAProblemNotAFetchOfTheListAgain() throws Exception {
        listBody = Files.readString(EXAMPLES.resolve("service_list.json")).replace("\"id\": \"" + EXAMPLE_SERVICE + "\"", "\"id\": \"\"");

        RemoteSync.Sync done = sync.sync(base, Caller.system("test"));

        assertThat(done.report().applied()).isFalse();
        assertThat(done.report().errors()).contains("services page 1 contents[0]: a service without an id");
        assertThat(directory.catalog().count(Kind.SERVICE)).isZero();
    }

    @Test
    void anAttributeNamingItsTermOnlyByIdTakesTheTermFromTheRemotesTermList() throws Exception {
        String term = "00000009-0000-4000-8000-0000000000e1";
        changing.put(id(1), remoteService(1, false).replaceFirst("}$", ", \"attributes\": [{\"id\": "
                + "\"00000009-0000-4000-8000-0000000000a9\", \"taxonomy_term_id\": \"" + term + "\", \"value\": \"yes\"}]}"));
        String from = base.replace("/oruk/", "/changing");

        assertThat(sync.sync(from, Caller.system("test")).report().errors()).as("the term was never shown")
                .anySatisfy(e -> assertThat(e).contains(term));

        changingTerms = "{\"total_items\": 1, \"total_pages\": 1, \"page_number\": 1, \"size\": 1, \"first_page\": true,"
                + " \"last_page\": true, \"empty\": false, \"contents\": [{\"id\": \"" + term + "\", \"code\": \"wheelchair\","
                + " \"name\": \"Wheelchair access\", \"description\": \"Step-free\"}]}";
        Directory.ImportReport report = sync.sync(from, Caller.system("test")).report();

        assertThat(report.errors()).isEmpty();
        assertThat(directory.catalog().get(Kind.TAXONOMY_TERM, term)).isPresent();
    }

    /** A remote service with one phone and, for the first, a location. */
    private static String remoteService(int n, boolean withPhone) {
        String id = "0000000" + n + "-0000-4000-8000-000000000000";
        return "{\"id\": \"" + id + "\", \"name\": \"Remote service " + n + "\", \"status\": \"active\""
                + (withPhone ? ", \"phones\": [{\"id\": \"0000000" + n + "-0000-4000-8000-0000000000f0\", \"number\": \"0114 00" + n + "\"}]" : "")
                + (n == 1 ? ", \"service_at_locations\": [{\"id\": \"00000001-0000-4000-8000-0000000000a1\", \"location\":"
                        + " {\"id\": \"00000001-0000-4000-8000-0000000000b1\", \"location_type\": \"physical\", \"name\": \"Hall\"}}]" : "")
                + "}";
    }

    private static String id(int n) {
        return "0000000" + n + "-0000-4000-8000-000000000000";
    }

    private static String phone(int n) {
        return "0000000" + n + "-0000-4000-8000-0000000000f0";
    }

    private String status(int n) {
        return directory.catalog().get(Kind.SERVICE, id(n)).orElseThrow().path("status").asText();
    }

    @Test
    void whatTheRemoteNoLongerListsIsTakenAwayServicesMarkedInactiveButNeverWhatAnAdminImported() throws Exception {
        Caller admin = Caller.system("test");
        for (int n = 1; n <= 4; n++) {
            changing.put(id(n), remoteService(n, true));
        }
        String from = base.replace("/oruk/", "/changing");
        assertThat(sync.sync(from, admin).report().applied()).isTrue();
        // An admin's own service, imported from a file: no sync ever takes it away.
        String own = "0000000f-0000-4000-8000-000000000000";
        assertThat(directory.importJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"id\": \"" + own + "\", \"name\": \"Own\", \"status\": \"active\"}"), java.util.Optional.empty(), "admin").applied()).isTrue();

        // The remote withdraws service 4 and the phone of service 1.
        changing.remove(id(4));
        changing.put(id(1), remoteService(1, false));
        RemoteSync.Sync second = sync.sync(from, admin);

        assertThat(second.run().state()).isEqualTo(ImportRun.State.APPLIED);
        assertThat(second.report().removed()).containsExactlyInAnyOrder(
                "service " + id(4) + " \"Remote service 4\": no longer listed by the remote, marked inactive",
                "phone " + phone(1) + ": no longer listed by the remote, deleted");
        assertThat(second.run().json(true).get("removed").toString()).contains("marked inactive");
        assertThat(status(4)).as("kept, so onward referrals to it keep its name; takes no one").isEqualTo("inactive");
        assertThat(directory.catalog().get(Kind.SERVICE, id(4)).orElseThrow().path("last_modified").asText()).isNotBlank();
        assertThat(directory.catalog().get(Kind.PHONE, phone(4))).as("stays with the inactive service").isPresent();
        assertThat(directory.catalog().get(Kind.PHONE, phone(1))).isEmpty();
        assertThat(directory.catalog().get(Kind.LOCATION, "00000001-0000-4000-8000-0000000000b1")).isPresent();
        assertThat(directory.catalog().get(Kind.SERVICE, own)).isPresent();

        // A broken remote answering one service of three: nothing taken away without the admin's word.
        directory.importJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(remoteService(2, true)),
                java.util.Optional.empty(), "admin");
        changing.remove(id(2));
        changing.remove(id(3));
        RemoteSync.Sync refused = sync.sync(from, admin);

        assertThat(refused.run().state()).isEqualTo(ImportRun.State.FAILED);
        assertThat(refused.report().errors()).singleElement().asString().contains("no longer lists 1 of the 3 services")
                .contains("--allow-removals");
        assertThat(status(3)).isEqualTo("active");

        // Confirmed: service 3 goes; service 2, imported from a file since, stays as the admin's.
        RemoteSync.Sync confirmed = sync.sync(from, admin, true);

        assertThat(confirmed.run().state()).isEqualTo(ImportRun.State.APPLIED);
        assertThat(status(3)).isEqualTo("inactive");
        assertThat(status(2)).isEqualTo("active");
        assertThat(status(1)).isEqualTo("active");
        assertThat(directory.catalog().get(Kind.SERVICE, own).orElseThrow().path("status").asText()).isEqualTo("active");

        // Listed again, a service takes the remote's status again.
        changing.put(id(3), remoteService(3, true));
        assertThat(sync.sync(from, admin).report().applied()).isTrue();
        assertThat(status(3)).isEqualTo("active");
    }
}
