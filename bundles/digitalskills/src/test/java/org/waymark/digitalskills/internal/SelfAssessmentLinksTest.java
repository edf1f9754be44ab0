package org.waymark.digitalskills.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.Notification;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.Caller;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;

class SelfAssessmentLinksTest {
    private static final Caller WORKER = Fakes.Staff.worker("linkworker");
    private final Fakes.Notices notices = new Fakes.Notices();
    private final Fakes.Referrals referrals = new Fakes.Referrals().open("r1", "linkworker");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-10-19T13:00:00Z"));
    private SelfAssessmentLinks links;

    @BeforeEach
    void setUp() throws Exception {
        DataSource db = TestDatabase.migrated("db/digitalskills.xml");
        FollowUps followUps = Fakes.followUps(db, referrals, new Fakes.Jobs(), notices, new Fakes.Staff(), clock);
        links = new SelfAssessmentLinks(db, referrals.service(), new Assessments(db, referrals.service(), followUps, Fakes.AUDIT, clock),
                notices, Fakes.AUDIT, clock);
    }

    /** The link goes in the message, and is marked so that the outbox drops it from its copy once sent. */
    @Test
    void aSentLinkIsMarkedAsTheOneTimeLinkOfItsMessage() {
        String token = links.create(WORKER, "r1", true, "https://w/l/").token();

        assertThat(notices.queued).singleElement().satisfies(n -> {
            assertThat(n.text()).contains("https://w/l/" + token);
            assertThat(n.data()).containsEntry(Notification.ONE_TIME_LINK, "https://w/l/" + token);
        });
    }

    @Test
    void aClosedReferralGetsNoLinkAndALinkSentBeforeItClosedNoLongerOpens() {
        String token = links.create(WORKER, "r1", true, "https://w/l/").token();
        assertThat(links.live(token)).isPresent();
        notices.queued.clear();

        referrals.status.put("r1", ReferralStatus.COMPLETED);

        assertThat(links.live(token)).isEmpty();
        assertThatThrownBy(() -> links.create(WORKER, "r1", true, "https://w/l/")).hasMessageContaining("completed referral is closed")
                .extracting(e -> ((WaymarkException) e).kind()).isEqualTo(WaymarkException.Kind.CONFLICT);
        assertThat(notices.queued).isEmpty();
    }
}
