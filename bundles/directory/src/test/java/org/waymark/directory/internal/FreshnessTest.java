package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.notify.ContactBook;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Party;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;

class FreshnessTest {
    private static final Caller WORKER = new Caller("worker", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("sheffield"), false);
    private final List<Notification> sent = new ArrayList<>();
    private final List<JobRequest> scheduled = new ArrayList<>();
    private final Map<Party, ContactPreferences> contacts = new HashMap<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T10:00:00Z"));
    private Freshness freshness;
    private Directory directory;
    private String walk;

    @BeforeEach
    void setUp() throws Exception {
        DataSource db = TestDatabase.migrated("db/directory.xml");
        directory = new Directory(new DirectoryStore(db), clock);
        directory.apply(DemoDirectory.batch(), "test", "demo");
        walk = DemoDirectory.uuid("svc:2").toString();
        ContactBook book = new ContactBook() {
            @Override
            public ContactPreferences find(Party party) {
                return contacts.getOrDefault(party, ContactPreferences.NONE);
            }

            @Override
            public void save(Caller caller, Party party, ContactPreferences preferences) {
                contacts.put(party, preferences);
            }
        };
        JobScheduler jobs = new JobScheduler() {
            @Override
            public String schedule(Connection transaction, JobRequest request) {
                scheduled.add(request);
                return request.key();
            }

            @Override
            public String schedule(JobRequest request) {
                return schedule(null, request);
            }

            @Override
            public boolean cancel(Connection transaction, String type, String key) {
                return false;
            }
        };
        freshness = new Freshness(db, directory, (c, n) -> sent.add(n), book, jobs, clock, "https://waymark.example/");
    }

    private static String token(Notification notification) {
        return notification.data().get("link").replaceAll(".*/", "");
    }

    @Test
    void newListingsAreFreshAndBecomeStaleAfterSixMonthsWithoutConfirmation() {
        assertThat(freshness.state(walk).stale()).isFalse();

        clock.advance(Duration.ofDays(Freshness.STALE_AFTER_DAYS + 1));

        assertThat(freshness.state(walk).stale()).isTrue();
        assertThat(freshness.state(walk).lastConfirmed()).isNull();
    }

    @Test
    void aCheckGoesToTheServicesEmailAsTheDirectoryHasItNowNotAsItWasFirstCopied() throws Exception {
        Party provider = Party.organisation("directory-service:" + walk);
        freshness.sendCheck(walk);
        assertThat(contacts.get(provider).addresses()).containsEntry("email", "groups@peak-edge.example.org");

        com.fasterxml.jackson.databind.node.ObjectNode corrected = directory.catalog().get(Kind.SERVICE, walk).orElseThrow().deepCopy();
        corrected.put("email", "walks@peak-edge.example.org");
        assertThat(directory.importJson(corrected, java.util.Optional.of(Kind.SERVICE), "test").errors()).isEmpty();
        freshness.sendCheck(walk);

        assertThat(contacts.get(provider).addresses()).containsExactly(java.util.Map.entry("email", "walks@peak-edge.example.org"));
    }

    @Test
    void theDailyJobAsksEachStaleServiceOnceAMonth() {
        clock.advance(Duration.ofDays(Freshness.STALE_AFTER_DAYS + 1));

        freshness.run(job());

        assertThat(sent).hasSize(DemoDirectory.SERVICES.size());
        Notification check = sent.stream().filter(n -> n.to().id().equals("directory-service:" + walk)).findFirst().orElseThrow();
        assertThat(check.text()).contains("Crookes Health Walk").contains("https://waymark.example/api/directory-checks/");
        assertThat(contacts.get(check.to()).addresses()).containsEntry("email", "groups@peak-edge.example.org");
        assertThat(scheduled).as("no standing job for tomorrow").isEmpty();

        sent.clear();
        clock.advance(Duration.ofDays(1));
        freshness.run(job());
        assertThat(sent).as("asked again only after %d days", Freshness.RECHECK_DAYS).isEmpty();
    }

    @Test
    void aClosedServiceIsNotAskedWhetherItsDetailsAreStillRight() {
        for (String status : java.util.List.of("inactive", "defunct")) {
            com.fasterxml.jackson.databind.node.ObjectNode closed = directory.catalog().get(Kind.SERVICE, walk).orElseThrow().deepCopy();
            closed.put("status", status);
            assertThat(directory.importJson(closed, java.util.Optional.of(Kind.SERVICE), "test").errors()).isEmpty();
            sent.clear();
            clock.advance(Duration.ofDays(Freshness.STALE_AFTER_DAYS + Freshness.RECHECK_DAYS + 1));

            freshness.run(job());

            assertThat(sent).as(status).hasSize(DemoDirectory.SERVICES.size() - 1)
                    .noneMatch(n -> n.to().id().equals("directory-service:" + walk));
        }
    }

    @Test
    void theProvidersConfirmationMakesTheListingFreshAndTheLinkWorksOnce() {
        clock.advance(Duration.ofDays(Freshness.STALE_AFTER_DAYS + 1));
        String token = token(notificationFor(freshness.sendCheck(walk)));

        freshness.answerCheck(token, "still-right", null, "waitlist");

        Freshness.State state = freshness.state(walk);
        assertThat(state.stale()).isFalse();
        assertThat(state.lastConfirmed()).isEqualTo(clock.instant());
        assertThat(state.capacity()).isEqualTo("waitlist");
        assertThatThrownBy(() -> freshness.answerCheck(token, "still-right", null, null)).hasMessageContaining("used");
    }

    @Test
    void aFullOrWaitlistedServiceSaysSoInTheOpenReferralApiAsAnAttribute() {
        // Found probing: the Open Referral API said nothing of capacity, so apps sent people to full services.
        Caller admin = new Caller("admin", Caller.Kind.USER, Set.of(Roles.ADMIN), Set.of("sheffield"), false);
        freshness.capacity(admin, walk, "full");

        com.fasterxml.jackson.databind.node.ObjectNode full = directory.catalog().serviceFull(directory.catalog().get(Kind.SERVICE, walk).orElseThrow());
        com.fasterxml.jackson.databind.JsonNode capacity = null;
        for (com.fasterxml.jackson.databind.JsonNode attribute : full.path("attributes")) {
            if (attribute.path("link_type").asText().equals("capacity")) {
                capacity = attribute;
            }
        }
        assertThat(capacity).isNotNull();
        assertThat(capacity.path("value").asText()).isEqualTo("full");
        assertThat(capacity.path("taxonomy_term").path("name").asText()).isEqualTo("Full");
        assertThat(new org.waymark.directory.testing.OrukSchemas().problems("service", full)).isEmpty();
        // Found probing: the term the attribute names was 404 and no filter found the service by it.
        OpenReferralResource api = new OpenReferralResource(directory);
        String termId = capacity.path("taxonomy_term_id").asText();
        com.fasterxml.jackson.databind.JsonNode term = api.taxonomyTerm(termId, TestDirectory.query());
        assertThat(term.path("name").asText()).isEqualTo("Full");
        assertThat(capacity.path("taxonomy_term").path("taxonomy_id").asText()).isEqualTo(term.path("taxonomy_id").asText());
        assertThat(api.taxonomy(term.path("taxonomy_id").asText(), TestDirectory.query()).path("taxonomy_terms").findValuesAsText("name"))
                .containsExactlyInAnyOrder("Full", "Waiting list");
        com.fasterxml.jackson.databind.JsonNode tagged = api.servicesPage(java.util.Map.of("taxonomy_term_id", termId));
        assertThat(tagged.path("total_items").asInt()).isEqualTo(1);
        assertThat(tagged.path("contents").get(0).path("id").asText()).isEqualTo(walk);
        assertThat(api.servicesPage(java.util.Map.of("taxonomy_id", term.path("taxonomy_id").asText())).path("total_items").asInt())
                .isEqualTo(1);
        assertThat(api.servicesPage(java.util.Map.of("search", "full")).path("contents").findValuesAsText("name"))
                .as("capacity is not what a service does").doesNotContain(full.path("name").asText());
        // Found probing: a sync from another Waymark (here its own answer imported again) stored the capacity
        // attribute, term and taxonomy as data: the service showed the attribute twice, and "full" after it reopened.
        Directory.ImportReport again = directory.importJson(full, java.util.Optional.of(Kind.SERVICE), "test");
        assertThat(again.errors()).isEmpty();
        assertThat(again.notes()).anyMatch(n -> n.contains("capacity attributes"));
        assertThat(again.counts().get("attribute")).isEqualTo(full.path("attributes").size() - 1);
        assertThat(again.counts()).doesNotContainKey("taxonomy");
        assertThat(directory.catalog().serviceFull(directory.catalog().get(Kind.SERVICE, walk).orElseThrow()).path("attributes")
                .findValuesAsText("link_type")).containsOnlyOnce("capacity");

        String token = token(notificationFor(freshness.sendCheck(walk)));
        freshness.answerCheck(token, "still-right", null, "waitlist");
        assertThat(directory.catalog().serviceFull(directory.catalog().get(Kind.SERVICE, walk).orElseThrow()).path("attributes")
                .findValuesAsText("value")).contains("waitlist").doesNotContain("full");

        freshness.capacity(admin, walk, "open");
        assertThat(directory.catalog().serviceFull(directory.catalog().get(Kind.SERVICE, walk).orElseThrow()).path("attributes")
                .findValuesAsText("link_type")).doesNotContain("capacity");
    }

    @Test
    void theProviderIsToldWhatHappensToItsAnswer() {
        // Found probing: a provider reporting the service closed read "the directory is up to date".
        assertThat(CheckResource.thanks("closed")).contains("the directory team will update the listing").doesNotContain("up to date");
        assertThat(CheckResource.thanks("changed")).contains("the directory team will update the listing");
        assertThat(CheckResource.thanks("still-right")).contains("the listing is confirmed as it is");
    }

    @Test
    void aReportsNoteIsKeptWholeOrRefusedNeverCut() {
        // Found probing: a note over 1,000 characters was kept as its first 1,000, without a word.
        String longest = "x".repeat(Freshness.MAX_NOTE);
        String tooLong = "word ".repeat(250);
        String token = token(notificationFor(freshness.sendCheck(walk)));

        for (Runnable call : List.<Runnable>of(() -> freshness.report(WORKER, walk, "changed", tooLong),
                () -> freshness.answerCheck(token, "changed", tooLong, null))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(org.waymark.api.error.WaymarkException.class, e -> {
                assertThat(e.kind()).isEqualTo(org.waymark.api.error.WaymarkException.Kind.INVALID);
                assertThat(e.getMessage()).contains("note must be at most 1000 characters (it has 1249)");
            });
        }
        assertThat(freshness.state(walk).report()).as("nothing kept").isNull();
        assertThat(freshness.report(WORKER, walk, "changed", " " + longest + " ").reportNote()).isEqualTo(longest);
        freshness.answerCheck(token, "changed", longest, null);
        assertThat(freshness.state(walk).reportNote()).as("the link was still unused").isEqualTo(longest);
    }

    @Test
    void reportsOfClosureOrChangeFlagTheListingUntilTheProviderConfirmsIt() {
        freshness.report(WORKER, walk, "closed", "Leader retired");
        assertThat(freshness.state(walk).stale()).isTrue();
        assertThat(freshness.state(walk).report()).isEqualTo("closed");

        String token = token(notificationFor(freshness.sendCheck(walk)));
        assertThatThrownBy(() -> freshness.answerCheck(token, "changed", " ", null)).hasMessageContaining("what has changed");
        freshness.answerCheck(token, "still-right", null, null);

        assertThat(freshness.state(walk).report()).isNull();
        assertThat(freshness.state(walk).stale()).isFalse();
        assertThatThrownBy(() -> freshness.report(WORKER, walk, "moved", null)).hasMessageContaining("closed or changed");
    }

    @Test
    void expiredAndUnknownLinksAreRefused() {
        String token = token(notificationFor(freshness.sendCheck(walk)));

        // Another first character (a fixed "x" left one token in 64 unchanged: a flaky failure in CI).
        String forged = (token.charAt(0) == 'x' ? "y" : "x") + token.substring(1);
        assertThatThrownBy(() -> freshness.serviceForLink(forged)).hasMessageContaining("not valid");
        clock.advance(Duration.ofDays(Freshness.LINK_DAYS + 1));
        assertThatThrownBy(() -> freshness.serviceForLink(token)).hasMessageContaining("expired");
    }

    private Notification notificationFor(Freshness.Check check) {
        Notification notification = sent.stream().filter(n -> check.link().equals(n.data().get("link"))).findFirst().orElseThrow();
        // Marked so that the outbox takes the working link out of its copy once the message is sent.
        assertThat(notification.data()).containsEntry(Notification.ONE_TIME_LINK, check.link());
        return notification;
    }

    private Job job() {
        return new Job("job-1", Freshness.JOB, "freshness-today", "", 1, clock.instant());
    }
}
