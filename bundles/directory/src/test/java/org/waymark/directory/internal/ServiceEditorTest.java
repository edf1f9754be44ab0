package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.notify.ContactBook;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Party;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;

class ServiceEditorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Caller ADMIN = new Caller("area-admin", Caller.Kind.USER, Set.of(Roles.ADMIN), Set.of("sheffield"), false);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T10:00:00Z"));
    private final List<String> audited = new ArrayList<>();
    private DataSource db;
    private Directory directory;
    private Freshness freshness;
    private ServiceEditor editor;
    private String walk;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/directory.xml");
        directory = new Directory(new DirectoryStore(db), clock);
        directory.apply(DemoDirectory.batch(), "test", "demo");
        walk = DemoDirectory.uuid("svc:2").toString();
        AuditLog audit = (caller, action, type, id, patient) -> audited.add(caller.id() + " " + action + " " + type + " " + id);
        editor = new ServiceEditor(db, directory, audit, clock);
        ContactBook book = new ContactBook() {
            @Override
            public ContactPreferences find(Party party) {
                return ContactPreferences.NONE;
            }

            @Override
            public void save(Caller caller, Party party, ContactPreferences preferences) {
            }
        };
        JobScheduler jobs = new JobScheduler() {
            @Override
            public String schedule(Connection transaction, JobRequest request) {
                return request.key();
            }

            @Override
            public String schedule(JobRequest request) {
                return request.key();
            }

            @Override
            public boolean cancel(Connection transaction, String type, String key) {
                return false;
            }
        };
        freshness = new Freshness(db, directory, (c, n) -> { }, book, jobs, clock, "https://waymark.example/");
    }

    @Test
    void anEditShowsAtOnceInSearchAndTheOpenReferralViewAndIsKeptInTheHistory() throws Exception {
        ServiceEditor.Editable before = editor.editable(walk);
        String phone = before.view().path("phones").get(0).path("id").asText();
        clock.advance(Duration.ofMinutes(5));

        ServiceEditor.Editable after = editor.edit(ADMIN, walk, "\"" + before.etag() + "\"", JSON.readTree(
                "{\"name\": \"Crookes Hill Walk\", \"description\": \"A gentle hill walk with scones after\","
                        + " \"phones\": [{\"id\": \"" + phone + "\", \"number\": \"0114 496 0999\"}]}"));

        assertThat(after.etag()).isNotEqualTo(before.etag());
        ObjectNode full = directory.catalog().serviceFull(directory.catalog().get(Kind.SERVICE, walk).orElseThrow());
        assertThat(full.path("name").asText()).isEqualTo("Crookes Hill Walk");
        assertThat(full.path("last_modified").asText()).isEqualTo(clock.instant().toString());
        assertThat(full.path("contacts").get(0).path("phones").get(0).path("number").asText()).isEqualTo("0114 496 0999");
        SearchIndex.Result found = directory.catalog().index().search(ServiceQuery.parse(java.util.Map.of("search", "scones")), null, 10);
        assertThat(found.top()).extracting(h -> directory.catalog().index().entry(h.service()).id()).contains(walk);

        ServiceHistory.Page history = ServiceHistory.page(db, walk, 1, 10);
        assertThat(history.total()).isEqualTo(2);
        ServiceHistory.Entry newest = history.entries().get(0);
        assertThat(newest.by()).isEqualTo("area-admin");
        assertThat(newest.source()).isEqualTo(ServiceHistory.Source.EDIT);
        assertThat(newest.changes()).contains(new ServiceHistory.Change("name", "Crookes Health Walk", "Crookes Hill Walk"),
                new ServiceHistory.Change("phone", "0114 496 0002", "0114 496 0999"));
        assertThat(history.entries().get(1).source()).as("the demo import listed it").isEqualTo(ServiceHistory.Source.IMPORT);
        assertThat(audited).containsExactly("area-admin UPDATE DirectoryService " + walk);
    }

    @Test
    void anEditConfirmsTheDetailsAndSettlesAReport() throws Exception {
        freshness.report(new Caller("worker", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("sheffield"), false), walk, "changed", "New day");
        assertThat(freshness.state(walk).stale()).isTrue();

        editor.edit(ADMIN, walk, null, JSON.readTree("{\"schedules\": [{\"id\": \""
                + editor.editable(walk).view().path("schedules").get(0).path("id").asText() + "\", \"description\": \"Fridays, 10:00 to 12:00\"}]}"));

        Freshness.State state = freshness.state(walk);
        assertThat(state.stale()).isFalse();
        assertThat(state.lastConfirmed()).isEqualTo(clock.instant());
        assertThat(ServiceHistory.page(db, walk, 1, 10).entries()).extracting(ServiceHistory.Entry::source)
                .containsExactly(ServiceHistory.Source.EDIT, ServiceHistory.Source.REPORT, ServiceHistory.Source.IMPORT);
    }

    @Test
    void anAdminWhoMayNotChangeTheEmailSavesTheWholeFormWithItUnchangedButNotANewEmail() throws Exception {
        // Found probing: the console's form sends every field, the unchanged email included, and an admin of one area
        // of a deployment of several was refused every save for sending it.
        ObjectNode form = editor.editable(walk).view().deepCopy();
        String email = form.path("email").asText();
        assertThat(email).isNotBlank();
        form.put("fees", "Free, tea 50p");
        form.put("email", " " + email + " ");

        ServiceEditor.Editable saved = editor.edit(ADMIN, walk, null, form, false);

        assertThat(saved.view().path("fees").asText()).isEqualTo("Free, tea 50p");
        assertThat(saved.view().path("email").asText()).isEqualTo(email);
        String etag = saved.etag();
        for (String change : List.of("{\"email\": \"elsewhere@example.org\"}", "{\"email\": null}", "{\"email\": \" \"}",
                "{\"fees\": \"£1\", \"email\": \"elsewhere@example.org\"}")) {
            assertThatThrownBy(() -> editor.edit(ADMIN, walk, null, JSON.readTree(change), false)).as(change)
                    .isInstanceOfSatisfying(WaymarkException.class, e -> {
                        assertThat(e.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN);
                        assertThat(e.getMessage()).contains("only an admin of every area");
                    });
        }
        assertThat(editor.editable(walk).etag()).as("nothing of a refused save is kept").isEqualTo(etag);
        assertThat(directory.catalog().get(Kind.SERVICE, walk).orElseThrow().path("email").asText()).isEqualTo(email);
        assertThat(editor.edit(ADMIN, walk, null, JSON.readTree("{\"email\": \"elsewhere@example.org\"}"), true)
                .view().path("email").asText()).isEqualTo("elsewhere@example.org");
    }

    @Test
    void anEditOrAnImportOnAnotherNodeShowsInThisNodesCatalogAtItsNextCheck() throws Exception {
        // Found probing: each node kept the catalog it had built, so a change made on another node of the same
        // database never showed (a service marked defunct there still took referrals here) until a restart.
        Directory otherNode = new Directory(new DirectoryStore(db), clock);
        assertThat(otherNode.refreshIfChanged()).as("nothing changed yet").isFalse();

        editor.edit(ADMIN, walk, null, JSON.readTree("{\"status\": \"defunct\"}"));
        assertThat(otherNode.catalog().get(Kind.SERVICE, walk).orElseThrow().path("status").asText()).isEqualTo("active");

        assertThat(otherNode.refreshIfChanged()).isTrue();
        assertThat(otherNode.catalog().get(Kind.SERVICE, walk).orElseThrow().path("status").asText()).isEqualTo("defunct");
        assertThat(otherNode.refreshIfChanged()).as("once only").isFalse();

        String added = "44444444-4444-4444-8444-444444444444";
        assertThat(directory.importJson(JSON.readTree("{\"id\": \"" + added + "\", \"name\": \"Choir\", \"status\": \"active\"}"),
                java.util.Optional.of(Kind.SERVICE), "test").applied()).isTrue();
        assertThat(otherNode.refreshIfChanged()).isTrue();
        assertThat(otherNode.catalog().get(Kind.SERVICE, added)).isPresent();
        assertThat(otherNode.catalog().index().search(ServiceQuery.parse(java.util.Map.of("search", "choir")), null, 10).total())
                .isPositive();
        assertThat(directory.refreshIfChanged()).as("the node that made the changes has them already").isFalse();
    }

    @Test
    void aStaleETagIsRefusedAndNothingIsSaved() throws Exception {
        String etag = editor.editable(walk).etag();
        editor.edit(ADMIN, walk, etag, JSON.readTree("{\"fees\": \"£1\"}"));

        assertThatThrownBy(() -> editor.edit(ADMIN, walk, "\"" + etag + "\"", JSON.readTree("{\"fees\": \"£3\"}")))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.PRECONDITION_FAILED));
        assertThat(editor.editable(walk).view().path("fees").asText()).isEqualTo("£1");
    }

    @Test
    void invalidValuesSaveNothingAndUnknownServicesAreNotFound() throws Exception {
        String etag = editor.editable(walk).etag();

        assertThatThrownBy(() -> editor.edit(ADMIN, walk, etag, JSON.readTree("{\"name\": \"New\", \"email\": \"nope\"}")))
                .isInstanceOf(ServiceEdit.Invalid.class);
        assertThat(editor.editable(walk).etag()).isEqualTo(etag);
        assertThat(ServiceHistory.page(db, walk, 1, 10).total()).isEqualTo(1);
        assertThatThrownBy(() -> editor.edit(ADMIN, "no-such-service", null, JSON.readTree("{}")))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));
    }

    @Test
    void aReimportThatChangesAFieldIsKeptAsAnImportAndOneThatChangesNothingIsNot() {
        ImportBatch same = DemoDirectory.batch();
        directory.apply(same, "operator", "demo again");
        assertThat(ServiceHistory.page(db, walk, 1, 10).total()).isEqualTo(1);

        ImportBatch changed = DemoDirectory.batch();
        changed.records().get(Kind.SERVICE).get(walk).put("fees", "£2");
        directory.apply(changed, "operator", "demo.json");

        ServiceHistory.Entry newest = ServiceHistory.page(db, walk, 1, 10).entries().get(0);
        assertThat(newest.by()).isEqualTo("operator");
        assertThat(newest.summary()).isEqualTo("Imported from demo.json");
        assertThat(newest.changes()).containsExactly(new ServiceHistory.Change("fees", "Free", "£2"));
    }
}
