package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MultivaluedHashMap;
import javax.ws.rs.core.MultivaluedMap;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.waymark.api.referral.Page;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/** Task searches as receivers send them: by the person the Task is for, as well as by its focus. */
class TaskSearchTest {
    private static Fhir fhir;
    private final List<ReferralSearch> searches = new ArrayList<>();

    @BeforeAll
    static void createContext() {
        fhir = new Fhir();
    }

    @Test
    void tasksAreFoundByTheirPatientAsGravityAndBarsReceiversAsk() {
        assertThat(search("patient", "Patient/p1").getStatus()).isEqualTo(200);
        assertThat(search("subject", "Patient/p1").getStatus()).isEqualTo(200);
        assertThat(search("patient", "http://localhost/fhir/Patient/p1").getStatus()).isEqualTo(200);
        assertThat(searches).extracting(ReferralSearch::patientId).containsExactly("p1", "p1", "p1");
        assertThat(search("patient:identifier", "https://fhir.nhs.uk/Id/nhs-number|9990010005").getStatus()).isEqualTo(200);
        assertThat(searches.get(3).nhsNumber()).isEqualTo("9990010005");
    }

    @Test
    void aPatientSearchRefusesWhatIsNoPatientAndMatchesNothingForTwoDifferentPatients() {
        assertThat(search("patient", "Practitioner/x").getStatus()).isEqualTo(400);
        assertThat(search("patient:identifier", "https://example.org/mrn|123").getStatus()).isEqualTo(400);
        MultivaluedMap<String, String> both = new MultivaluedHashMap<>();
        both.add("patient", "Patient/a");
        both.add("subject", "Patient/b");
        Response none = search(both);
        assertThat(none.getStatus()).isEqualTo(200);
        assertThat((String) none.getEntity()).contains("\"total\":0");
        assertThat(searches).as("nothing asked of the database").isEmpty();
    }

    @Test
    void theCapabilityStatementDeclaresThePatientSearchWithoutModifiers() {
        assertThat(TaskResource.SEARCH_PARAMETERS).containsKeys("patient", "subject", "focus");
        assertThat(TaskResource.SEARCH_PARAMETERS.keySet()).noneMatch(name -> name.contains(":"));
        assertThat(TaskResource.ACCEPTED).containsKey("patient:identifier");
    }

    private Response search(String name, String value) {
        MultivaluedMap<String, String> query = new MultivaluedHashMap<>();
        query.add(name, value);
        return search(query);
    }

    private Response search(MultivaluedMap<String, String> query) {
        ReferralService referrals = proxy(ReferralService.class, (method, args) -> {
            if (method.equals("search")) {
                ReferralSearch search = (ReferralSearch) args[1];
                searches.add(search);
                return new Page<>(List.of(), 0, search.offset(), search.count());
            }
            throw new UnsupportedOperationException(method);
        });
        TaskResource resource = new TaskResource(fhir, referrals, new FhirSettings(proxy(FhirSettings.Config.class,
                (method, args) -> "")));
        UriInfo uri = proxy(UriInfo.class, (method, args) -> switch (method) {
            case "getQueryParameters" -> query;
            case "getBaseUri" -> URI.create("http://localhost/fhir/");
            default -> throw new UnsupportedOperationException(method);
        });
        HttpHeaders headers = proxy(HttpHeaders.class, (method, args) -> switch (method) {
            case "getAcceptableMediaTypes" -> List.of();
            default -> null;
        });
        Caller sender = new Caller("gp", Caller.Kind.CLIENT, Set.of(Roles.REFERRER), Set.of("sheffield"), false);
        SecurityContext security = proxy(SecurityContext.class, (method, args) ->
                method.equals("getUserPrincipal") ? new CallerPrincipal(sender) : null);
        try {
            return resource.search(headers, uri, security);
        } catch (org.waymark.api.error.WaymarkException e) {
            return Response.status(e.kind() == org.waymark.api.error.WaymarkException.Kind.INVALID ? 400 : 500).build();
        }
    }

    private interface Answer {
        Object answer(String method, Object[] args);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Answer answer) {
        return (T) Proxy.newProxyInstance(TaskSearchTest.class.getClassLoader(), new Class<?>[] {type},
                (p, method, args) -> answer.answer(method.getName(), args));
    }
}
