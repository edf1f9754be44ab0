package org.waymark.notifications.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Party;
import org.waymark.api.security.Caller;
import org.waymark.platform.testing.TestDatabase;

class JdbcContactBookTest {
    private static final Caller WORKER = new Caller("sam", Caller.Kind.USER, java.util.Set.of("link-worker"), java.util.Set.of("sheffield"), false);
    private DataSource db;
    private JdbcContactBook book;
    private final AtomicInteger audited = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/platform.xml", "db/notifications.xml");
        book = new JdbcContactBook(db, (caller, action, type, id, patient) -> audited.incrementAndGet(), Clock.systemUTC());
    }

    private static ContactPreferences withAddress(ContactPreferences current, String channel, String address) {
        Map<String, String> addresses = new HashMap<>(current.addresses());
        addresses.put(channel, address);
        return new ContactPreferences(current.doNotContact(), current.preferredChannel(), addresses);
    }

    /**
     * Found probing: two partial PUTs at once (one an email, one a phone number) each kept only their own address. Each
     * change here waits, once it has read the preferences, until the others have read them too: without the lock all
     * would read the same empty preferences and the last to save would win.
     */
    @Test
    void concurrentUpdatesOfOneNewPartyEachBuildOnTheOthers() throws Exception {
        for (Party party : List.of(new Party(Party.Kind.PERSON, "p-new"), new Party(Party.Kind.PERSON, "p-known"))) {
            if (party.id().equals("p-known")) {
                book.save(WORKER, party, new ContactPreferences(false, "letter", Map.of("letter", "1 High St")));
            }
            int writers = 4;
            CountDownLatch allRead = new CountDownLatch(writers);
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<ContactPreferences>> done = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    String channel = "channel-" + i;
                    done.add(pool.submit(() -> book.update(WORKER, party, current -> {
                        allRead.countDown();
                        try {
                            // With the lock, the others wait for this transaction: bounded, so the test cannot hang.
                            allRead.await(300, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return withAddress(current, channel, channel + "@example.org");
                    })));
                }
                for (Future<ContactPreferences> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            ContactPreferences stored = book.find(party);
            assertThat(stored.addresses()).as(party.id()).containsKeys("channel-0", "channel-1", "channel-2", "channel-3");
            if (party.id().equals("p-known")) {
                assertThat(stored.addresses()).containsEntry("letter", "1 High St");
                assertThat(stored.preferredChannel()).isEqualTo("letter");
            }
        }
        assertThat(audited.get()).as("each change audited").isEqualTo(9);
    }

    @Test
    void anUpdateAnswersWhatItSavedAndASaveStillReplacesTheWhole() {
        Party party = new Party(Party.Kind.PERSON, "p1");
        ContactPreferences saved = book.update(WORKER, party, current -> withAddress(current, "email", "jo@example.org"));
        assertThat(saved).isEqualTo(book.find(party));
        book.save(WORKER, party, new ContactPreferences(true, null, Map.of()));
        assertThat(book.find(party)).isEqualTo(new ContactPreferences(true, null, Map.of()));
    }
}
