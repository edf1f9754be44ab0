package org.waymark.notifications.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.governance.PersonalDataContributor.Erasure;
import org.waymark.api.governance.PersonalDataContributor.Merge;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Party;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.testing.TestDatabase;

/** The notifications bundle's part of the subject access export and of retention. */
class NotificationsPersonalDataTest {
    private final NotificationsPersonalData data = new NotificationsPersonalData();
    private DataSource db;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/platform.xml", "db/notifications.xml");
        new JdbcContactBook(db, (caller, action, type, id, patient) -> { }, Clock.systemUTC())
                .save(Caller.system("test"), Party.person("p1"), new ContactPreferences(false, "email", Map.of("email", "jo@example.org")));
        Outbox outbox = new Outbox(Clock.systemUTC());
        Jdbc.inTransaction(db, c -> {
            outbox.record(c, new Notification("referral-r1-accepted", Party.person("p1"), "sheffield", "referral.accepted", "Accepted", "Hello", Map.of()));
            outbox.record(c, new Notification("referral-r1-v2", Party.organisation("gp"), "sheffield", "referral.status", "Status", "Task", Map.of()));
            outbox.record(c, new Notification("referral-r2-v2", Party.organisation("gp"), "sheffield", "referral.status", "Status", "Task", Map.of()));
            outbox.record(c, new Notification("referral-r10-v2", Party.organisation("gp"), "sheffield", "referral.status", "Status", "Task", Map.of()));
            return null;
        });
    }

    @Test
    void theExportHoldsTheContactDetailsAndEveryMessageToOrAboutThePerson() {
        Map<String, List<Map<String, Object>>> export = Jdbc.inTransaction(db, c -> data.export(c, "p1", Set.of("r1")));
        assertThat(export.get("contactAddresses")).singleElement().satisfies(a -> assertThat(a).containsEntry("address", "jo@example.org"));
        assertThat(export.get("messages")).extracting(m -> m.get("message_id"))
                .as("r10 is another referral, not a prefix match").containsExactlyInAnyOrder("referral-r1-accepted", "referral-r1-v2");
    }

    /**
     * Found probing: an Islington admin's export of a person also referred in Sheffield listed Sheffield's
     * digital-skills messages to them. The export covers the caller's areas' referrals; the others are only counted.
     */
    @Test
    void theExportLeavesOutMessagesToThePersonAboutReferralsItDoesNotCover() {
        Outbox outbox = new Outbox(Clock.systemUTC());
        Jdbc.inTransaction(db, c -> {
            outbox.record(c, new Notification("referral-r9-accepted", Party.person("p1"), "sheffield", "referral.accepted", "Accepted",
                    "Hello", Map.of()));
            outbox.record(c, new Notification("digital-skills-schedule-r9", Party.person("p1"), "sheffield", "digital-skills.schedule",
                    "Your digital skills check-ins", "On Monday", Map.of("referralId", "r9")));
            outbox.record(c, new Notification("digital-skills-schedule-r1", Party.person("p1"), "islington", "digital-skills.schedule",
                    "Your digital skills check-ins", "On Tuesday", Map.of("referralId", "r1")));
            outbox.record(c, new Notification("welcome-p1", Party.person("p1"), null, "welcome", "Welcome", "Hello", Map.of()));
            return null;
        });

        Map<String, List<Map<String, Object>>> export = Jdbc.inTransaction(db, c -> data.export(c, "p1", Set.of("r1")));

        assertThat(export.get("messages")).extracting(m -> m.get("message_id")).containsExactlyInAnyOrder("referral-r1-accepted",
                "referral-r1-v2", "digital-skills-schedule-r1", "welcome-p1");
    }

    @Test
    void erasingAReferralKeepsThePersonsContactsAndErasingThePersonRemovesThem() throws Exception {
        Jdbc.inTransaction(db, c -> data.erase(c, new Erasure("p1", Set.of("r1"), false)));
        assertThat(count("SELECT COUNT(*) FROM wm_notification")).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM wm_contact_address")).isEqualTo(1);

        int erased = Jdbc.inTransaction(db, c -> data.erase(c, new Erasure("p1", Set.of("r2"), true)));
        assertThat(erased).isEqualTo(3);
        assertThat(count("SELECT COUNT(*) FROM wm_notification")).as("only r10's message is left").isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM wm_contact")).isZero();
    }

    @Test
    void aMergeMovesMessagesAndTheNewerContactDetailsWinWhileTheOthersFillGapsAndDoNotContactStands() throws Exception {
        JdbcContactBook book = new JdbcContactBook(db, (caller, action, type, id, patient) -> { }, Clock.systemUTC());
        // p2 is the record that stays: older details, a phone number p1 lacks, and the person asked not to be contacted.
        Jdbc.inTransaction(db, c -> c.createStatement().executeUpdate("INSERT INTO wm_contact (party_kind, party_id, do_not_contact, "
                + "preferred_channel, updated_at) VALUES ('PERSON', 'p2', true, 'sms', TIMESTAMP('2020-01-01 00:00:00'))"));
        Jdbc.inTransaction(db, c -> c.createStatement().executeUpdate("INSERT INTO wm_contact_address (party_kind, party_id, channel, "
                + "address) VALUES ('PERSON', 'p2', 'email', 'old@example.org'), ('PERSON', 'p2', 'sms', '+447700900123')"));

        int moved = Jdbc.inTransaction(db, c -> data.merge(c, new Merge("p1", "p2")));

        assertThat(moved).isPositive();
        assertThat(count("SELECT COUNT(*) FROM wm_notification WHERE party_kind = 'PERSON' AND party_id = 'p2'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM wm_contact WHERE party_id = 'p1'") + count("SELECT COUNT(*) FROM wm_contact_address "
                + "WHERE party_id = 'p1'")).as("nothing left under the record that went").isZero();
        ContactPreferences merged = book.find(Party.person("p2"));
        assertThat(merged.addresses()).containsEntry("email", "jo@example.org").containsEntry("sms", "+447700900123");
        assertThat(merged.preferredChannel()).as("the newer details win").isEqualTo("email");
        assertThat(merged.doNotContact()).as("a request not to be contacted stands").isTrue();
    }

    private int count(String sql) throws Exception {
        try (Connection c = db.getConnection(); ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }
}
