package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.ws.rs.core.MultivaluedHashMap;
import javax.ws.rs.core.MultivaluedMap;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.referral.ReferralStatus;

/** The small rules of the FHIR surface: token ORs, Prefer, conditional create criteria and vread. */
class SearchAndCreateRulesTest {

    @Test
    void serviceRequestStatusesSeparatedByCommasAreAnyOfThem() {
        assertThat(ServiceRequestResource.statuses("active,revoked")).containsExactlyInAnyOrder(ReferralStatus.REQUESTED,
                ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.ON_HOLD, ReferralStatus.REJECTED,
                ReferralStatus.FAILED, ReferralStatus.CANCELLED);
        assertThat(ServiceRequestResource.statuses(" completed ")).containsExactly(ReferralStatus.COMPLETED);
        assertThat(ServiceRequestResource.statuses("draft")).as("a ServiceRequest status no referral has").isEmpty();
        assertThat(ServiceRequestResource.statuses(null)).isEmpty();
        assertThatThrownBy(() -> ServiceRequestResource.statuses("active,bogus")).hasMessageContaining("bogus")
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
    }

    @Test
    void totalAndPrettyTakeOnlyTheValuesFhirDefines() {
        Map<String, String> supported = Map.of("status", "token");
        for (String total : List.of("none", "estimate", "accurate")) {
            Searches.requireSupported(query("_total", total), supported);
        }
        Searches.requireSupported(query("_pretty", "false"), supported);
        assertThatThrownBy(() -> Searches.requireSupported(query("_total", "bogus"), supported))
                .hasMessageContaining("_total must be one of accurate, estimate, none")
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
        assertThatThrownBy(() -> Searches.requireSupported(query("_pretty", "yes"), supported)).hasMessageContaining("_pretty");
    }

    /** FHIR search: a client that asks for lenient handling gets unsupported parameters left out, not an error. */
    @Test
    void lenientHandlingLeavesUnsupportedParametersOutButStillRefusesBadValues() {
        assertThat(Searches.lenient(List.of("return=minimal, handling=lenient"))).isTrue();
        assertThat(Searches.lenient(List.of("handling = lenient"))).isTrue();
        assertThat(Searches.lenient(List.of("handling=strict"))).isFalse();
        assertThat(Searches.lenient(null)).isFalse();
        Map<String, String> supported = Map.of("status", "token", "authored", "date");
        MultivaluedMap<String, String> query = query("_include", "ServiceRequest:patient");
        query.add("_sort", "-authored");
        query.add("_summary", "true");
        query.add("status", "active");
        MultivaluedMap<String, String> prefer = new MultivaluedHashMap<>();
        prefer.add("Prefer", "handling=lenient");
        javax.ws.rs.core.HttpHeaders lenient = (javax.ws.rs.core.HttpHeaders) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {javax.ws.rs.core.HttpHeaders.class},
                (proxy, method, args) -> method.getName().equals("getRequestHeader") ? prefer.get(args[0]) : null);
        assertThat(Searches.requireSupported(lenient, query, supported)).containsExactly("_include", "_sort");
        assertThatThrownBy(() -> Searches.requireSupported(query, supported)).hasMessageContaining("_include, _sort");
        query.add("status", "completed");
        assertThatThrownBy(() -> Searches.requireSupported(lenient, query, supported)).hasMessageContaining("Repeating");
        assertThatThrownBy(() -> Searches.requireSupported(lenient, query("_total", "bogus"), supported)).hasMessageContaining("_total");
    }

    @Test
    void sortTakesOneKnownKeyAscendingUnlessMinus() {
        Map<String, ReferralSearch.SortKey> keys = Map.of("authored", ReferralSearch.SortKey.AUTHORED);
        assertThat(Searches.sort(new MultivaluedHashMap<>(), keys)).isEqualTo(Searches.Sort.DEFAULT);
        assertThat(Searches.sort(query("_sort", "authored"), keys)).isEqualTo(new Searches.Sort(ReferralSearch.SortKey.AUTHORED, true));
        assertThat(Searches.sort(query("_sort", " -authored "), keys))
                .isEqualTo(new Searches.Sort(ReferralSearch.SortKey.AUTHORED, false));
        assertThatThrownBy(() -> Searches.sort(query("_sort", "status"), keys)).hasMessageContaining("Sort by any of: authored");
        assertThatThrownBy(() -> Searches.sort(query("_sort", "-"), keys)).hasMessageContaining("not supported");
        assertThatThrownBy(() -> Searches.sort(query("_sort", "authored,-authored"), keys)).hasMessageContaining("one key");
    }

    @Test
    void includesAreThoseOfferedWithOrWithoutTheirTargetType() {
        Set<String> offered = Set.of("Task:focus", "Task:patient");
        assertThat(Searches.includes(new MultivaluedHashMap<>(), "_include", offered)).isEmpty();
        MultivaluedMap<String, String> query = query("_include", "Task:focus");
        query.add("_include", " Task:patient:Patient ");
        assertThat(Searches.includes(query, "_include", offered)).containsExactly("Task:focus", "Task:patient");
        assertThatThrownBy(() -> Searches.includes(query("_include", "Task:owner"), "_include", offered))
                .hasMessageContaining("_include=Task:owner is not supported. Supported: Task:focus, Task:patient");
        assertThatThrownBy(() -> Searches.includes(query("_revinclude", "*"), "_revinclude", Set.of()))
                .hasMessageContaining("Supported: none");
        MultivaluedMap<String, String> four = query("_include", "Task:focus");
        for (int i = 0; i < 3; i++) {
            four.add("_include", "Task:patient");
        }
        assertThatThrownBy(() -> Searches.requireSupported(four, Map.of("_include", "include"))).hasMessageContaining("Repeating");
    }

    @Test
    void anIdIsOneFhirIdAndAnythingElseMatchesNothingOrIsRefused() {
        assertThat(Searches.id(new MultivaluedHashMap<>())).isNull();
        assertThat(Searches.id(query("_id", " ref-1.2 "))).isEqualTo("ref-1.2");
        assertThat(Searches.noResourceHas("ref-1.2")).isFalse();
        assertThat(Searches.noResourceHas("a/b")).isTrue();
        assertThat(Searches.noResourceHas("x".repeat(65))).isTrue();
        assertThat(Searches.noResourceHas(null)).isFalse();
        assertThatThrownBy(() -> Searches.id(query("_id", "a,b"))).hasMessageContaining("one id");
        assertThatThrownBy(() -> Searches.id(query("_id", " "))).hasMessageContaining("needs a value");
    }

    private static MultivaluedMap<String, String> query(String name, String value) {
        MultivaluedMap<String, String> query = new MultivaluedHashMap<>();
        query.add(name, value);
        return query;
    }

    @Test
    void identifierTokensTakeOneValueAndFhirsEscapes() {
        assertThat(TokenParam.parse("https://gp.example/ref|A1")).isEqualTo(new TokenParam("https://gp.example/ref", "A1"));
        assertThat(TokenParam.parse("|A1")).as("no system").isEqualTo(new TokenParam(TokenParam.NO_SYSTEM, "A1"));
        assertThat(TokenParam.parse("sys|A\\,1")).isEqualTo(new TokenParam("sys", "A,1"));
        assertThatThrownBy(() -> TokenParam.parse("sys|A1,sys|A2")).hasMessageContaining("Several values");
        assertThat(TokenParam.parse("A1")).as("a value alone, in any system").isEqualTo(new TokenParam(null, "A1"));
        assertThatThrownBy(() -> TokenParam.parse("sys|")).hasMessageContaining("system|value");
        assertThatThrownBy(() -> TokenParam.parse(" ")).hasMessageContaining("system|value");
    }

    @Test
    void questionnaireTokensSeparatedByCommasAreAnyOfThem() {
        assertThat(DigitalSkillsFhir.QuestionnaireEndpoint.matchesToken("retired,active", "active")).isTrue();
        assertThat(DigitalSkillsFhir.QuestionnaireEndpoint.matchesToken("retired,draft", "active")).isFalse();
        assertThat(DigitalSkillsFhir.QuestionnaireEndpoint.matchesToken(null, "active")).isTrue();
    }

    @Test
    void preferReturnIsReadFromAnyPartOfTheHeader() {
        assertThat(PreferReturn.of("return=minimal", PreferReturn.REPRESENTATION)).isEqualTo(PreferReturn.MINIMAL);
        assertThat(PreferReturn.of("handling=strict; return=OperationOutcome", PreferReturn.REPRESENTATION))
                .isEqualTo(PreferReturn.OPERATION_OUTCOME);
        assertThat(PreferReturn.of("respond-async, return=\"representation\"", PreferReturn.MINIMAL)).isEqualTo(PreferReturn.REPRESENTATION);
        assertThat(PreferReturn.of("return=everything", PreferReturn.REPRESENTATION)).isEqualTo(PreferReturn.REPRESENTATION);
        assertThat(PreferReturn.of(null, PreferReturn.MINIMAL)).isEqualTo(PreferReturn.MINIMAL);
    }

    @Test
    void aConditionalCreateMayNameOnlyTheReferralsOwnIdentifier() {
        Identifier own = new Identifier().setSystem("https://gp.example/ref").setValue("A1");
        ConditionalCreate.requireOwnIdentifier("If-None-Exist", "identifier=https://gp.example/ref|A1", own);
        ConditionalCreate.requireOwnIdentifier("If-None-Exist", "ServiceRequest?identifier=https%3A%2F%2Fgp.example%2Fref%7CA1", own);
        ConditionalCreate.requireOwnIdentifier("If-None-Exist", null, null);
        for (String unsupported : new String[] {"identifier=https://gp.example/ref|B2", "status=active",
                "identifier=https://gp.example/ref|A1&status=active", "identifier=https://other.example|A1"}) {
            assertThatThrownBy(() -> ConditionalCreate.requireOwnIdentifier("If-None-Exist", unsupported, own))
                    .as(unsupported).isInstanceOfSatisfying(WaymarkException.class,
                            e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
        }
        assertThatThrownBy(() -> ConditionalCreate.requireOwnIdentifier("If-None-Exist", "identifier=x|A1", null))
                .hasMessageContaining("its own identifier");
        assertThatThrownBy(() -> ConditionalCreate.requireOwnIdentifier("If-None-Exist", "garbage", own))
                .hasMessageContaining("search parameters");
    }

    @Test
    void onlyTheCurrentVersionIsRead() {
        Patient patient = new Patient();
        patient.setId("p1");
        patient.getMeta().setVersionId("3");
        assertThat(VersionRead.current(patient, "3")).isSameAs(patient);
        assertThatThrownBy(() -> VersionRead.current(patient, "1"))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND))
                .hasMessageContaining("Patient/p1/_history/1").hasMessageContaining("only the current version")
                .hasMessageContaining("(version 3)");
        assertThatThrownBy(() -> VersionRead.current(patient, "x")).isInstanceOf(WaymarkException.class);
        Patient unversioned = new Patient();
        unversioned.setId("p2");
        assertThatThrownBy(() -> VersionRead.current(unversioned, "1")).isInstanceOf(WaymarkException.class);
    }

    @Test
    void theServiceRequestSearchParametersAreNamesWithoutModifiers() {
        assertThat(ServiceRequestResource.SEARCH_PARAMETERS.keySet()).noneMatch(name -> name.contains(":"))
                .contains("patient", "status", "identifier");
        assertThat(ServiceRequestResource.ACCEPTED).containsKey("patient:identifier");
        assertThat(Set.copyOf(ServiceRequestResource.ACCEPTED.keySet())).containsAll(ServiceRequestResource.SEARCH_PARAMETERS.keySet());
    }
}
