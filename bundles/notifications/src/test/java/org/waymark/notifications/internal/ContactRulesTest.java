package org.waymark.notifications.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Party;

class ContactRulesTest {
    private static ContactPreferences fhir(String endpoint) {
        return new ContactPreferences(false, "fhir", Map.of("fhir", endpoint));
    }

    private static void invalid(Party party, ContactPreferences preferences, String message) {
        assertThatThrownBy(() -> ContactRules.checked(party, preferences)).as(preferences.toString())
                .isInstanceOfSatisfying(WaymarkException.class, e -> {
                    assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    @Test
    void aPersonCannotHaveAFhirEndpointAndIsToldWhichChannelsTheyCan() {
        Party person = Party.person("p1");
        invalid(person, fhir("http://127.0.0.1:18799/internal/admin"), "a person's channels are email, sms and letter");
        invalid(person, fhir("https://gp.example/fhir/$process-message"), "cannot be reached by FHIR messaging");
        invalid(person, new ContactPreferences(false, "fhir", Map.of("email", "jo@example.org")), "cannot be reached by FHIR");
        ContactPreferences email = new ContactPreferences(false, "email", Map.of("email", "jo@example.org", "sms", "+44 7700 900123"));
        assertThat(ContactRules.checked(person, email)).isEqualTo(email);
    }

    @Test
    void anOrganisationsEndpointMayBeOnTheHscnOrThisHostButNotLinkLocal() {
        Party gp = Party.organisation("demo-gp");
        for (String allowed : new String[] {"https://gp-system.example/fhir/$process-message", "http://127.0.0.1:18799/gp/$process-message",
                "http://10.20.30.40/fhir", "https://[fd00::1]:8443/fhir", "http://localhost:8080/fhir"}) {
            assertThat(ContactRules.checked(gp, fhir(allowed)).address("fhir")).isEqualTo(allowed);
        }
        for (String metadata : new String[] {"http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/fhir",
                "http://[::ffff:169.254.169.254]/", "http://2852039166/latest/meta-data/"}) {
            invalid(gp, fhir(metadata), "link-local");
        }
        invalid(gp, fhir("http://0.0.0.0:8181/fhir"), "not the address of one host");
        invalid(gp, fhir("ftp://gp.example/fhir"), "http or https");
        invalid(gp, fhir("file:///etc/passwd"), "http or https");
        invalid(gp, fhir("https://user:secret@gp.example/fhir"), "user name or password");
        invalid(gp, fhir("not a url"), "The FHIR endpoint is refused");
    }

    @Test
    void otherAddressesAreCheckedAsBefore() {
        invalid(Party.staff("worker"), new ContactPreferences(false, null, Map.of("email", "nobody")), "email address is not valid");
        invalid(Party.person("p1"), new ContactPreferences(false, null, Map.of("sms", "call me")), "phone number is not valid");
        invalid(Party.team("admin"), new ContactPreferences(false, "Not A Channel", Map.of()), "preferredChannel");
    }
}
