package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.waymark.referrals.internal.CaseFixture.GP;
import static org.waymark.referrals.internal.CaseFixture.OTHER_AREA;
import static org.waymark.referrals.internal.CaseFixture.WORKER;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralStatus;

/** Contacts, notes, appointments and the "what matters to me" plan. */
class CaseRecordsTest {
    private CaseFixture fixture;
    private CaseRecords records;
    private CarePlans plans;
    private Referral referral;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new CaseFixture();
        records = new CaseRecords(fixture.db, fixture.audit, Clock.systemUTC());
        plans = new CarePlans(fixture.db, fixture.audit, Clock.systemUTC());
        referral = fixture.received("R1", "9990010005");
    }

    @Test
    void contactAttemptsAreListedNewestFirstAndValidated() {
        Instant monday = Instant.now().minus(2, ChronoUnit.DAYS);
        records.addContact(WORKER, referral.id(), new CaseRecords.Contact(null, "phone", "no-answer", null, monday, null, null));
        records.addContact(WORKER, referral.id(), new CaseRecords.Contact(null, "visit", "reached", "Met at home", null, null, null));

        assertThat(records.contacts(WORKER, referral.id())).extracting(CaseRecords.Contact::method).containsExactly("visit", "phone");
        assertThat(records.contacts(WORKER, referral.id()).get(0).recordedBy()).isEqualTo("sam");
        assertThatThrownBy(() -> records.addContact(WORKER, referral.id(),
                new CaseRecords.Contact(null, "pigeon", "reached", null, null, null, null))).hasMessageContaining("method");
        assertThatThrownBy(() -> records.addContact(WORKER, referral.id(), new CaseRecords.Contact(null, "phone", "reached", null,
                Instant.now().plus(1, ChronoUnit.DAYS), null, null))).hasMessageContaining("future");
        // Found probing: a contact attempt in 1900 was kept (a slip of the keyboard, in the person's record for good).
        assertThatThrownBy(() -> records.addContact(WORKER, referral.id(), new CaseRecords.Contact(null, "phone", "reached", null,
                Instant.parse("1900-01-02T10:00:00Z"), null, null))).hasMessageContaining("at most 90 days before the referral");
        Instant beforeTheReferral = referral.created().minus(30, ChronoUnit.DAYS);
        records.addContact(WORKER, referral.id(), new CaseRecords.Contact(null, "visit", "reached", "Walked in before the GP's referral",
                beforeTheReferral, null, null));
        assertThat(records.contacts(WORKER, referral.id())).hasSize(3);
        // A body without the field: Set.of(...).contains(null) threw, answered as a 500 (found by walking every route).
        assertThatThrownBy(() -> records.addContact(WORKER, referral.id(),
                new CaseRecords.Contact(null, null, "reached", null, null, null, null))).hasMessageContaining("method must be");
        assertThatThrownBy(() -> records.addContact(WORKER, referral.id(),
                new CaseRecords.Contact(null, "phone", null, null, null, null, null))).hasMessageContaining("outcome must be");
    }

    @Test
    void anAppointmentStillToComeCannotBeAttendedOrMissedNorBeBookedPastAYearAhead() {
        Instant nextWeek = Instant.now().plus(7, ChronoUnit.DAYS);
        CaseRecords.Appointment booked = records.addAppointment(WORKER, referral.id(),
                new CaseRecords.Appointment(null, nextWeek, "Library", "First meeting", null, null, null));

        for (String status : new String[] {"attended", "missed"}) {
            assertThatThrownBy(() -> records.updateAppointment(WORKER, referral.id(), booked.id(), status)).as(status)
                    .isInstanceOfSatisfying(WaymarkException.class, e -> {
                        assertThat(e.kind()).isEqualTo(WaymarkException.Kind.CONFLICT);
                        assertThat(e.getMessage()).contains("has not started yet");
                    });
            assertThatThrownBy(() -> records.addAppointment(WORKER, referral.id(),
                    new CaseRecords.Appointment(null, nextWeek, "Library", "x", status, null, null))).as(status)
                    .isInstanceOf(WaymarkException.class);
        }
        assertThat(records.updateAppointment(WORKER, referral.id(), booked.id(), "cancelled").status()).isEqualTo("cancelled");
        assertThatThrownBy(() -> records.addAppointment(WORKER, referral.id(), new CaseRecords.Appointment(null,
                Instant.parse("9999-12-31T10:00:00Z"), "Library", "x", null, null, null))).hasMessageContaining("up to a year ahead");
        assertThat(records.appointments(WORKER, referral.id())).singleElement().extracting(CaseRecords.Appointment::status)
                .isEqualTo("cancelled");
    }

    @Test
    void notesAndAppointmentsStayWithinTheCallersAreasAndSendersOnlyRead() {
        records.addNote(WORKER, referral.id(), "  First call went well  ");
        assertThat(records.notes(WORKER, referral.id())).singleElement()
                .satisfies(n -> assertThat(n.text()).isEqualTo("First call went well"));
        assertThatThrownBy(() -> records.notes(OTHER_AREA, referral.id())).isInstanceOfSatisfying(WaymarkException.class,
                e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> records.addNote(GP, referral.id(), "hello")).isInstanceOfSatisfying(WaymarkException.class,
                e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN));
        assertThatThrownBy(() -> records.addNote(WORKER, referral.id(), " ")).hasMessageContaining("text is required");

        Instant when = Instant.parse("2026-03-02T10:00:00Z");
        CaseRecords.Appointment booked = records.addAppointment(WORKER, referral.id(),
                new CaseRecords.Appointment(null, when, "Library", "First meeting", null, null, null));
        assertThat(booked.status()).isEqualTo("booked");
        assertThat(records.updateAppointment(WORKER, referral.id(), booked.id(), "attended").status()).isEqualTo("attended");
        assertThatThrownBy(() -> records.updateAppointment(WORKER, referral.id(), "nope", "attended")).hasMessageContaining("No such");
        assertThatThrownBy(() -> records.updateAppointment(WORKER, referral.id(), booked.id(), null)).hasMessageContaining("status must be");
    }

    @Test
    void aWithdrawnReferralTakesNoMoreWork() {
        fixture.referrals.updateFromSender(GP, "https://gp.example/ref", "R1", ReferralStatus.CANCELLED, "Moved",
                new org.waymark.api.referral.MessageReceipt("gp-sheffield|e", "m1", "d", r -> "ok"));
        assertThatThrownBy(() -> records.addNote(WORKER, referral.id(), "late note")).isInstanceOfSatisfying(WaymarkException.class,
                e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.CONFLICT));
    }

    @Test
    void thePlanKeepsWhatMattersWithVersionsAndGoalsWithProgress() {
        assertThat(plans.plan(WORKER, referral.id()).version()).isZero();
        CarePlans.Plan first = plans.saveWhatMatters(WORKER, referral.id(), "Getting out of the house", 0L);
        assertThat(first.version()).isEqualTo(1);
        assertThatThrownBy(() -> plans.saveWhatMatters(WORKER, referral.id(), "Overwrite", 0L))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.PRECONDITION_FAILED));
        assertThat(plans.saveWhatMatters(WORKER, referral.id(), "Getting out and meeting people", 1L).version()).isEqualTo(2);

        CarePlans.Goal goal = plans.addGoal(WORKER, referral.id(), "Join a walking group");
        plans.recordProgress(WORKER, referral.id(), goal.id(), 3, "Went once");
        plans.recordProgress(WORKER, referral.id(), goal.id(), 7, null);
        assertThatThrownBy(() -> plans.recordProgress(WORKER, referral.id(), goal.id(), 11, null)).hasMessageContaining("0");

        CarePlans.Plan plan = plans.plan(WORKER, referral.id());
        assertThat(plan.whatMatters()).isEqualTo("Getting out and meeting people");
        assertThat(plan.goals()).singleElement().satisfies(g ->
                assertThat(g.progress()).extracting(CarePlans.Progress::score).containsExactly(3, 7));
    }
}
