package org.waymark.digitalskills.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Proxy;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;

/** The resource refuses a missing body itself, before any service (or the referral's state) is looked at. */
class DigitalSkillsResourceTest {
    private final DigitalSkillsResource resource = new DigitalSkillsResource((DigitalSkillsResource.Config) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {DigitalSkillsResource.Config.class}, (proxy, method, args) -> ""),
            null, null, null, null, null);

    @Test
    void anEmptyOrNullBodyIsABadRequestForEveryChange() {
        // Found probing: PUT .../equality with an empty body answered 200 {} and erased the recorded ethnicity.
        refused(() -> resource.saveEquality("r1", null, null), "A body is required");
        refused(() -> resource.savePlan("r1", null, null, null), "A body is required");
        refused(() -> resource.assess("r1", null, null), "A body is required");
        refused(() -> resource.goal("r1", "g1", null, null), "A body is required");
        refused(() -> resource.reschedule("r1", "f1", null, null), "A body is required");
        refused(() -> resource.link("r1", null, null, null), "A body is required");
    }

    @Test
    void clearingTheEthnicityTakesAnExplicitNull() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        assertThat(mapper.readValue("{\"ethnicity\":null}", DigitalSkillsResource.Equality.class).code()).isNull();
        assertThat(mapper.readValue("{\"ethnicity\":\"white\"}", DigitalSkillsResource.Equality.class).code()).isEqualTo("white");
        refused(() -> mapper.readValue("{}", DigitalSkillsResource.Equality.class).code(), "ethnicity is required");
        refused(() -> mapper.readValue("{\"ethnicity\":5}", DigitalSkillsResource.Equality.class).code(), "ethnicity must be");
    }

    @Test
    void aDayBeyondTheYear9999IsABadRequestNotAFailure() {
        // Found probing: GET /api/digital-skills/reports?area=sheffield&to=+999999999-12-31 answered 500.
        refused(() -> DigitalSkillsResource.date("to", "+999999999-12-31"), "to must be a date");
        refused(() -> DigitalSkillsResource.date("from", "+10000-01-01"), "from must be a date");
        refused(() -> DigitalSkillsResource.date("from", "-0001-01-01"), "from must be a date");
        assertThat(DigitalSkillsResource.date("to", "9999-12-31")).isEqualTo(java.time.LocalDate.of(9999, 12, 31));
        assertThat(DigitalSkillsResource.date("to", " ")).isNull();
    }

    private static void refused(ThrowingCallable call, String detail) {
        assertThatThrownBy(call).isInstanceOfSatisfying(WaymarkException.class, e -> {
            assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID);
            assertThat(e.getMessage()).contains(detail);
        });
    }
}
