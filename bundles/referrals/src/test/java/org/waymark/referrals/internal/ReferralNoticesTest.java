package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Party;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.referral.Subject;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;

class ReferralNoticesTest {
    private static final Caller GP = new Caller("gp-sheffield", Caller.Kind.CLIENT, Set.of(Roles.REFERRER), Set.of("sheffield"), false);
    private static final Caller WORKER = new Caller("sam", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("sheffield"), false);
    private static final ContactPreferences FHIR_ENDPOINT = new ContactPreferences(false, null, Map.of("fhir", "http://gp.example/fhir"));

    private final RecordingNotifier notifier = new RecordingNotifier();
    private final MapContactBook contacts = new MapContactBook();
    private JdbcReferralService service;

    @BeforeEach
    void setUp() throws Exception {
        service = new JdbcReferralService(ReferralsDatabase.create(), (caller, action, type, id, patient) -> { },
                Clock.systemUTC(), new ReferralNotices(notifier, contacts));
    }

    private Referral received() {
        return service.receive(GP, new NewReferral("https://gp.example/ref", "R1",
                Subject.described(NhsNumber.parse("9990010005").orElseThrow(),
                        new Demographics("Holloway", "Alex", LocalDate.of(1950, 1, 1), "female", "S1 1AA")),
                "Isolated", null, "routine", Instant.parse("2026-01-01T10:00:00Z"), "Dr X", null, "application/fhir+json", "{}"))
                .referral();
    }

    @Test
    void eachStatusChangeQueuesOneMessageForTheSenderWithAStableId() {
        contacts.save(WORKER, Party.organisation(GP.id()), FHIR_ENDPOINT);
        Referral referral = received();
        service.changeStatus(WORKER, referral.id(), ReferralStatus.ACCEPTED, null, null);
        service.changeStatus(WORKER, referral.id(), ReferralStatus.IN_PROGRESS, null, null);

        assertThat(notifier.queued).extracting(Notification::messageId)
                .containsExactly("referral-" + referral.id() + "-v2", "referral-" + referral.id() + "-v3");
        Notification accepted = notifier.queued.get(0);
        assertThat(accepted.to()).isEqualTo(Party.organisation(GP.id()));
        assertThat(accepted.area()).isEqualTo("sheffield");
        assertThat(accepted.data()).containsEntry("status", "accepted").containsEntry("taskId", referral.taskId())
                .containsEntry("identifierValue", "R1");
        assertThat(accepted.text()).as("no personal data in the message").doesNotContain("Holloway");
    }

    /**
     * A message is delivered after its change, sometimes after later ones (the GP system was down): its facts must
     * describe the Task of that change whole, so the episode code travels on every change and the time marks them.
     */
    @Test
    void eachMessageCarriesTheTaskStateOfItsOwnChange() {
        contacts.save(WORKER, Party.organisation(GP.id()), FHIR_ENDPOINT);
        Referral referral = received();
        service.changeStatus(WORKER, referral.id(), ReferralStatus.ACCEPTED, null, null);
        service.changeStatus(WORKER, referral.id(), ReferralStatus.IN_PROGRESS, null, null);
        Referral closed = service.changeStatus(WORKER, referral.id(),
                new org.waymark.api.referral.StatusChange(ReferralStatus.COMPLETED, null, "Joined a walking group"), null);

        Notification inProgress = notifier.queued.get(1);
        assertThat(inProgress.data()).containsEntry("status", "in-progress")
                .containsEntry("episodeCode", org.waymark.api.referral.SocialPrescribingCodes.REFERRAL_ACCEPTED)
                .doesNotContainKey("code").doesNotContainKey("outcome").containsKey("lastUpdated");
        assertThat(notifier.queued.get(2).data()).containsEntry("outcome", "Joined a walking group")
                .containsEntry("lastUpdated", closed.lastUpdated().toString());
    }

    @Test
    void thePersonHearsWhenTheirReferralIsAcceptedIfTheyCanBeReached() {
        Referral referral = received();
        contacts.save(WORKER, Party.person(referral.patientId()), new ContactPreferences(false, "email", Map.of("email", "alex@example.org")));
        service.changeStatus(WORKER, referral.id(), ReferralStatus.ACCEPTED, null, null);
        assertThat(notifier.queued).singleElement().satisfies(n -> {
            assertThat(n.to()).isEqualTo(Party.person(referral.patientId()));
            assertThat(n.messageId()).isEqualTo("referral-" + referral.id() + "-accepted");
        });
    }

    @Test
    void aSenderWithoutContactDetailsGetsNothingQueued() {
        Referral referral = received();
        service.changeStatus(WORKER, referral.id(), ReferralStatus.ACCEPTED, null, null);
        assertThat(notifier.queued).isEmpty();
    }

    @Test
    void aRefusedChangeQueuesNothing() {
        contacts.save(WORKER, Party.organisation(GP.id()), FHIR_ENDPOINT);
        Referral referral = received();
        assertThatThrownBy(() -> service.changeStatus(WORKER, referral.id(), ReferralStatus.COMPLETED, null, 7L));
        assertThat(notifier.queued).isEmpty();
    }

    @Test
    void theWorkerHoldingAReferralHearsWhenTheSenderCancelsIt() {
        Referral referral = received();
        service.changeStatus(WORKER, referral.id(), ReferralStatus.ACCEPTED, null, null);
        service.updateFromSender(GP, "https://gp.example/ref", "R1", ReferralStatus.CANCELLED, "Moved away",
                new org.waymark.api.referral.MessageReceipt("gp-sheffield|endpoint", "message-2", "digest", r -> "ok"));
        assertThat(notifier.queued).singleElement().satisfies(n -> {
            assertThat(n.to()).isEqualTo(Party.staff("sam"));
            assertThat(n.data()).containsEntry("task", "true").containsEntry("status", "cancelled");
        });
    }
}
