package org.waymark.notifications.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.jobs.PermanentJobFailure;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Delivery;
import org.waymark.api.notify.DeliveryException;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.NotificationChannel;
import org.waymark.api.notify.Party;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.testing.TestDatabase;

class DeliveryJobTest {
    private static final Caller WORKER = Caller.system("test");
    private final List<PluginService<NotificationChannel>> channels = new ArrayList<>();
    private final List<String> scheduled = new CopyOnWriteArrayList<>();
    private DataSource db;
    private OutboxNotifier notifier;
    private JdbcContactBook contacts;
    private DeliveryJob job;

    /** Calls plugins directly: the guard itself is tested in the platform. */
    private final PluginRegistry registry = new PluginRegistry() {
        @Override
        @SuppressWarnings("unchecked")
        public <S> List<PluginService<S>> services(Class<S> type, String area) {
            return channels.stream().filter(c -> c.appliesTo(area)).map(c -> (PluginService<S>) c).toList();
        }

        @Override
        public <S, T> T call(PluginService<S> service, Duration limit, PluginCall<S, T> call) throws PluginCallException {
            try {
                return call.apply(service.service());
            } catch (Exception e) {
                throw new PluginCallException(e.getMessage(), e, false);
            }
        }
    };

    private static class RecordingChannel implements NotificationChannel {
        final String name;
        final List<String> sent = new CopyOnWriteArrayList<>();
        volatile DeliveryException failure;

        RecordingChannel(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean canReach(Notification notification, ContactPreferences preferences) {
            return preferences.address(name) != null;
        }

        @Override
        public Delivery send(Notification notification, ContactPreferences preferences) throws DeliveryException {
            if (failure != null) {
                throw failure;
            }
            sent.add(notification.messageId() + " -> " + preferences.address(name));
            return new Delivery("ok");
        }
    }

    private final RecordingChannel email = new RecordingChannel("email");
    private final RecordingChannel sms = new RecordingChannel("sms");

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/platform.xml", "db/notifications.xml");
        JobScheduler jobs = new JobScheduler() {
            @Override
            public String schedule(java.sql.Connection transaction, JobRequest request) {
                scheduled.add(request.key());
                return request.key();
            }

            @Override
            public String schedule(JobRequest request) {
                return schedule(null, request);
            }

            @Override
            public boolean cancel(java.sql.Connection transaction, String type, String key) {
                return false;
            }
        };
        notifier = new OutboxNotifier(jobs, null);
        contacts = new JdbcContactBook(db, (caller, action, type, id, patient) -> { }, java.time.Clock.systemUTC());
        job = new DeliveryJob(db, registry, null);
        channels.add(new PluginService<>(email, "org.waymark.email", null));
        channels.add(new PluginService<>(sms, "org.example.sms", "sheffield"));
    }

    private Notification queue(String messageId, Party to) {
        Notification n = new Notification(messageId, to, "sheffield", "referral.accepted", "Subject", "Text", Map.of());
        Jdbc.inTransaction(db, c -> {
            notifier.notify(c, n);
            return null;
        });
        return n;
    }

    private void deliver(String messageId) throws Exception {
        job.run(new Job("job-1", OutboxNotifier.DELIVERY_JOB, messageId, null, 1, Instant.now()));
    }

    private String state(String messageId) {
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT state, channel FROM wm_notification WHERE message_id = ?")) {
                s.setString(1, messageId);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getString(1) + (r.getString(2) == null ? "" : " by " + r.getString(2));
                }
            }
        });
    }

    @Test
    void aNotificationIsRecordedOnceAndScheduledOnce() {
        queue("m1", Party.person("p1"));
        queue("m1", Party.person("p1"));
        assertThat(scheduled).containsExactly("m1");
    }

    @Test
    void thePreferredChannelIsUsedWhenItCanReachTheParty() throws Exception {
        contacts.save(WORKER, Party.person("p1"), new ContactPreferences(false, "sms", Map.of("email", "jo@example.org", "sms", "+447700900123")));
        queue("m1", Party.person("p1"));
        deliver("m1");
        assertThat(sms.sent).containsExactly("m1 -> +447700900123");
        assertThat(email.sent).isEmpty();
        assertThat(state("m1")).isEqualTo("DELIVERED by sms");
    }

    @Test
    void withoutAnAddressForThePreferredChannelAnotherOneIsUsed() throws Exception {
        contacts.save(WORKER, Party.person("p1"), new ContactPreferences(false, "sms", Map.of("email", "jo@example.org")));
        queue("m1", Party.person("p1"));
        deliver("m1");
        assertThat(email.sent).containsExactly("m1 -> jo@example.org");
    }

    @Test
    void doNotContactSuppressesTheMessageEvenWhenSetAfterItWasQueued() throws Exception {
        contacts.save(WORKER, Party.person("p1"), new ContactPreferences(false, null, Map.of("email", "jo@example.org")));
        queue("m1", Party.person("p1"));
        contacts.save(WORKER, Party.person("p1"), new ContactPreferences(true, null, Map.of("email", "jo@example.org")));
        deliver("m1");
        assertThat(email.sent).isEmpty();
        assertThat(state("m1")).isEqualTo("SUPPRESSED");
    }

    /**
     * Found probing: a self-assessment link, of which the digital-skills bundle keeps only a digest, stayed readable in
     * the outbox and in subject access exports of the person after it had been sent.
     */
    @Test
    void aOneTimeLinkReachesItsRecipientAndIsThenTakenOutOfTheStoredMessage() throws Exception {
        List<String> texts = new CopyOnWriteArrayList<>();
        channels.add(0, new PluginService<>(new RecordingChannel("letter") {
            @Override
            public Delivery send(Notification notification, ContactPreferences preferences) throws DeliveryException {
                texts.add(notification.text());
                return super.send(notification, preferences);
            }
        }, "org.example.letters", null));
        String link = "https://waymark.example/api/digital-skills-links/Zq3vT0k3nZq3vT0k3nZq3vT0k3n";
        contacts.save(WORKER, Party.person("p1"), new ContactPreferences(false, "letter", Map.of("letter", "1 High St")));
        contacts.save(WORKER, Party.person("p2"), new ContactPreferences(true, null, Map.of()));
        for (String to : List.of("p1", "p2")) {
            Jdbc.inTransaction(db, c -> {
                notifier.notify(c, new Notification("link-" + to, Party.person(to), "sheffield", "digital-skills.self-assessment",
                        "What can you do online?", "Open this link: " + link + " . It works once.",
                        Map.of("referralId", "r1", Notification.ONE_TIME_LINK, link, "link", link)));
                return null;
            });
            deliver("link-" + to);
        }

        assertThat(texts).containsExactly("Open this link: " + link + " . It works once.");
        assertThat(state("link-p1")).isEqualTo("DELIVERED by letter");
        assertThat(state("link-p2")).as("never sent: not kept either").isEqualTo("SUPPRESSED");
        for (String id : List.of("link-p1", "link-p2")) {
            Notification stored = Jdbc.inTransaction(db, c -> new Outbox(java.time.Clock.systemUTC()).find(c, id)).orElseThrow();
            assertThat(stored.text()).isEqualTo("Open this link: " + Outbox.LINK_REMOVED + " . It works once.");
            // The same link under a name of the sender's (onward referrals and directory checks call it "link") goes too.
            assertThat(stored.data()).containsOnly(Map.entry("referralId", "r1"), Map.entry("link", Outbox.LINK_REMOVED));
        }
    }

    @Test
    void aDeliveredNotificationIsNotSentAgainWhenItsJobRunsTwice() throws Exception {
        contacts.save(WORKER, Party.person("p1"), new ContactPreferences(false, null, Map.of("email", "jo@example.org")));
        queue("m1", Party.person("p1"));
        deliver("m1");
        deliver("m1");
        assertThat(email.sent).hasSize(1);
    }

    @Test
    void channelsOfOtherAreasAreNotUsed() throws Exception {
        contacts.save(WORKER, Party.person("p1"), new ContactPreferences(false, "sms", Map.of("sms", "+447700900123")));
        Notification islington = new Notification("m2", Party.person("p1"), "islington", "t", "s", "x", Map.of());
        Jdbc.inTransaction(db, c -> {
            notifier.notify(c, islington);
            return null;
        });
        assertThatThrownBy(() -> deliver("m2")).isInstanceOf(DeliveryException.class)
                .hasMessage("No channel can reach the person").as("the job list never shows whom").hasMessageNotContaining("p1");
        assertThat(sms.sent).isEmpty();
    }

    @Test
    void aRefusalIsPermanentAndAnOutageIsRetried() throws Exception {
        contacts.save(WORKER, Party.person("p1"), new ContactPreferences(false, null, Map.of("email", "jo@example.org")));
        queue("m1", Party.person("p1"));
        email.failure = new DeliveryException("server down", false);
        assertThatThrownBy(() -> deliver("m1")).isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.permanent()).isFalse());
        email.failure = new DeliveryException("mailbox does not exist", true);
        assertThatThrownBy(() -> deliver("m1")).isInstanceOf(PermanentJobFailure.class).hasMessageContaining("mailbox does not exist");
        assertThat(state("m1")).isEqualTo("PENDING");
    }
    private void queueInSequence(String messageId, Party to, String sequence) throws Exception {
        Notification n = new Notification(messageId, to, "sheffield", "referral.status", "Subject", "Text",
                Map.of(Notification.SEQUENCE, sequence));
        Jdbc.inTransaction(db, c -> {
            notifier.notify(c, n);
            return null;
        });
        // Recorded in separate transactions, as a referral's changes are; the outbox orders them by when, so the next
        // one is recorded once the clock has moved on (a poll with a deadline, not a sleep).
        java.time.Instant recorded = java.time.Instant.now();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
        while (!java.time.Instant.now().isAfter(recorded.plusMillis(1))) {
            assertThat(System.nanoTime() - deadline).as("the clock moves on").isNegative();
            Thread.onSpinWait();
        }
    }

    @Test
    void theMessagesOfOneSequenceReachThePartyInTheOrderTheyWereRecorded() throws Exception {
        contacts.save(WORKER, Party.organisation("gp"), new ContactPreferences(false, null, Map.of("email", "gp@example.org")));
        contacts.save(WORKER, Party.organisation("other"), new ContactPreferences(false, null, Map.of("email", "o@example.org")));
        queueInSequence("r1-v2", Party.organisation("gp"), "referral-r1");
        queueInSequence("r1-v3", Party.organisation("gp"), "referral-r1");
        queueInSequence("r2-v2", Party.organisation("gp"), "referral-r2");
        queueInSequence("r1-v2-other", Party.organisation("other"), "referral-r1");
        queueInSequence("r1-v4", Party.organisation("gp"), "referral-r1");

        deliver("r1-v4");
        assertThat(email.sent).as("the job runner took v4's job first").containsExactly(
                "r1-v2 -> gp@example.org", "r1-v3 -> gp@example.org", "r1-v4 -> gp@example.org");
        deliver("r1-v2");
        deliver("r1-v3");
        assertThat(email.sent).as("each once: their own jobs find them delivered").hasSize(3);
        assertThat(state("r2-v2")).as("another sequence waits for nothing").isEqualTo("PENDING");
        assertThat(state("r1-v2-other")).as("another party's messages are their own sequence").isEqualTo("PENDING");
    }

    @Test
    void aLaterMessageWaitsWhileAnEarlierOneCannotGoButNotForOneThatWasRefused() throws Exception {
        contacts.save(WORKER, Party.organisation("gp"), new ContactPreferences(false, null, Map.of("email", "gp@example.org")));
        queueInSequence("r1-v2", Party.organisation("gp"), "referral-r1");
        queueInSequence("r1-v3", Party.organisation("gp"), "referral-r1");
        email.failure = new DeliveryException("server down", false);
        assertThatThrownBy(() -> deliver("r1-v3")).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.permanent()).isFalse());
        assertThat(state("r1-v3")).isEqualTo("PENDING");
        assertThat(email.sent).isEmpty();
        RecordingChannel refusingFirst = new RecordingChannel("email") {
            @Override
            public Delivery send(Notification notification, ContactPreferences preferences) throws DeliveryException {
                if (notification.messageId().equals("r1-v2")) {
                    throw new DeliveryException("refused", true);
                }
                return super.send(notification, preferences);
            }
        };
        channels.clear();
        channels.add(new PluginService<>(refusingFirst, "org.waymark.email", null));
        deliver("r1-v3");
        assertThat(refusingFirst.sent).as("v2 refused for good: v3 goes on").containsExactly("r1-v3 -> gp@example.org");
        assertThat(state("r1-v2")).as("left for its own job to dead-letter").isEqualTo("PENDING");
    }
}
