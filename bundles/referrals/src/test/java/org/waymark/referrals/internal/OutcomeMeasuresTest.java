package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.waymark.referrals.internal.CaseFixture.ADMIN;
import static org.waymark.referrals.internal.CaseFixture.WORKER;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.measure.MeasureDefinition;
import org.waymark.api.measure.OutcomeMeasure;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.api.referral.Referral;

/** ONS4 built in; an invented licensed measure through the extension point. */
class OutcomeMeasuresTest {
    /** An invented measure: three 1-5 items, summed and converted, under a licence. Its texts are made up. */
    static final MeasureDefinition GARDEN = new MeasureDefinition("garden-wellbeing", "Garden wellbeing scale",
            "Invented for Waymark's tests", List.of(new MeasureDefinition.Item("g1", "I enjoyed being outdoors"),
            new MeasureDefinition.Item("g2", "I felt useful"), new MeasureDefinition.Item("g3", "I slept well")),
            new MeasureDefinition.Scale(1, 5, "Never", "Always"), MeasureDefinition.Scoring.SUM_CONVERTED,
            IntStream.rangeClosed(3, 15).boxed().collect(Collectors.toMap(raw -> raw, raw -> raw * 10.0 / 3)),
            new MeasureDefinition.Licence(true, "Invented Rights Ltd", "Per-area licence"));

    private CaseFixture fixture;
    private OutcomeMeasures measures;
    private Referral referral;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new CaseFixture();
        measures = new OutcomeMeasures(fixture.db, fixture.audit, new OnePlugin(() -> GARDEN), Clock.systemUTC());
        referral = fixture.received("R1", "9990010005");
    }

    @Test
    void ons4IsBuiltInAndItsFourAnswersAreKeptSeparatelyAsBaselineThenFollowUp() {
        assertThat(measures.available(WORKER, "sheffield")).first().satisfies(a -> {
            assertThat(a.definition().id()).isEqualTo("ons4");
            assertThat(a.definition().items()).hasSize(4);
            assertThat(a.definition().attribution()).contains("Office for National Statistics");
            assertThat(a.licensed()).isTrue();
        });
        Map<String, Integer> before = Map.of("life-satisfaction", 3, "worthwhile", 4, "happiness", 2, "anxiety", 8);
        OutcomeMeasures.Response baseline = measures.record(WORKER, referral.id(), "ons4", before);
        OutcomeMeasures.Response later = measures.record(WORKER, referral.id(), "ons4",
                Map.of("life-satisfaction", 6, "worthwhile", 7, "happiness", 6, "anxiety", 4));

        assertThat(baseline.occasion()).isEqualTo("baseline");
        assertThat(later.occasion()).isEqualTo("follow-up");
        assertThat(baseline.total()).as("ONS4 is never added up").isNull();
        assertThat(measures.history(WORKER, referral.id())).extracting(r -> r.answers().get("anxiety")).containsExactly(8, 4);
        assertThatThrownBy(() -> measures.record(WORKER, referral.id(), "ons4", Map.of("life-satisfaction", 3)))
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> measures.record(WORKER, referral.id(), "ons4",
                Map.of("life-satisfaction", 11, "worthwhile", 4, "happiness", 2, "anxiety", 8))).hasMessageContaining("0 to 10");
    }

    @Test
    void aLicensedMeasureIsRefusedUntilTheAreaRecordsItsLicenceThenScoredThroughItsTable() {
        Map<String, Integer> answers = Map.of("g1", 5, "g2", 4, "g3", 3);
        assertThat(measures.available(WORKER, "sheffield")).filteredOn(a -> a.definition().id().equals("garden-wellbeing"))
                .singleElement().satisfies(a -> assertThat(a.licensed()).isFalse());
        assertThatThrownBy(() -> measures.record(WORKER, referral.id(), "garden-wellbeing", answers))
                .isInstanceOfSatisfying(WaymarkException.class, e -> {
                    assertThat(e.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN);
                    assertThat(e.getMessage()).contains("licence");
                });
        assertThatThrownBy(() -> measures.recordLicence(WORKER, "sheffield", "garden-wellbeing", "L-1"))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN));

        measures.recordLicence(ADMIN, "sheffield", "garden-wellbeing", "Licence GW-2026-17");

        OutcomeMeasures.Response response = measures.record(WORKER, referral.id(), "garden-wellbeing", answers);
        assertThat(response.total()).isEqualByComparingTo(new BigDecimal("40.00"));
        assertThat(measures.history(WORKER, referral.id())).singleElement()
                .satisfies(r -> assertThat(r.total()).isEqualByComparingTo("40"));
    }

    @Test
    void aFailingMeasurePluginIsLeftOutAndOns4StillWorks() throws Exception {
        OutcomeMeasures broken = new OutcomeMeasures(fixture.db, fixture.audit, new OnePlugin(() -> {
            throw new IllegalStateException("broken plugin");
        }), Clock.systemUTC());
        assertThat(broken.available(WORKER, "sheffield")).extracting(a -> a.definition().id()).containsExactly("ons4");
        assertThatThrownBy(() -> broken.record(WORKER, referral.id(), "garden-wellbeing", Map.of()))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));
    }

    /** A registry holding one measure plugin; calls go through a try/catch as the real guard's do. */
    private record OnePlugin(OutcomeMeasure measure) implements PluginRegistry {
        @Override
        @SuppressWarnings("unchecked")
        public <S> List<PluginService<S>> services(Class<S> type, String area) {
            return type == OutcomeMeasure.class ? List.of((PluginService<S>) new PluginService<>(measure, "test.plugin", null)) : List.of();
        }

        @Override
        public <S, T> T call(PluginService<S> service, Duration limit, PluginCall<S, T> call) throws PluginCallException {
            try {
                return call.apply(service.service());
            } catch (Exception e) {
                throw new PluginCallException("test.plugin failed", e, false);
            }
        }
    }
}
