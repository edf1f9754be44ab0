package org.waymark.notifications.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Delivery;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.NotificationChannel;
import org.waymark.api.notify.Party;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;

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

    private static JsonNode body(String json) throws Exception {
        return new ObjectMapper().readTree(json);
    }

    @Test
    void aChangeNamingNoFieldIsRefusedRatherThanErasingEveryDetail() throws Exception {
        ContactPreferences current = new ContactPreferences(false, "email", Map.of("email", "jo@example.org", "sms", "07700 900123"));

        assertThatThrownBy(() -> ContactRules.changed(current, body("{}"))).isInstanceOfSatisfying(WaymarkException.class,
                e -> assertThat(e.getMessage()).contains("Name at least one of doNotContact, preferredChannel and addresses"));
        assertThatThrownBy(() -> ContactRules.changed(current, body("[]"))).isInstanceOf(WaymarkException.class);
    }

    @Test
    void theFieldsSentReplaceTheirsAndTheOthersStay() throws Exception {
        ContactPreferences current = new ContactPreferences(false, "email", Map.of("email", "jo@example.org"));

        assertThat(ContactRules.changed(current, body("{\"doNotContact\": true}")))
                .isEqualTo(new ContactPreferences(true, "email", Map.of("email", "jo@example.org")));
        assertThat(ContactRules.changed(current, body("{\"preferredChannel\": null}")))
                .isEqualTo(new ContactPreferences(false, null, Map.of("email", "jo@example.org")));
        assertThat(ContactRules.changed(current, body("{\"addresses\": {\"sms\": \"07700 900123\"}}")))
                .isEqualTo(new ContactPreferences(false, "email", Map.of("sms", "07700 900123")));
        assertThat(ContactRules.changed(current, body("{\"addresses\": null}")).addresses()).isEmpty();
    }

    @Test
    void aChangeOfTheWrongShapeIsRefusedNamingTheField() throws Exception {
        ContactPreferences current = ContactPreferences.NONE;
        for (String[] wrong : new String[][] {{"{\"doNotContact\": \"yes\"}", "doNotContact"}, {"{\"doNotContact\": null}", "doNotContact"},
                {"{\"preferredChannel\": 5}", "preferredChannel"}, {"{\"addresses\": [\"jo@example.org\"]}", "addresses"},
                {"{\"addresses\": {\"email\": 5}}", "addresses.email"}, {"{\"prefered\": \"email\"}", "Unknown field 'prefered'"}}) {
            assertThatThrownBy(() -> ContactRules.changed(current, body(wrong[0]))).as(wrong[0])
                    .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.getMessage()).contains(wrong[1]));
        }
    }

    @Test
    void thePreferredChannelMustBeOneThisServerHas() {
        PluginRegistry plugins = channels("email", "fhir", "inbox");
        Set<String> installed = ContactRules.channelsFor(plugins, ContactPreferences.NONE);
        ContactPreferences typo = new ContactPreferences(false, "emial", Map.of("email", "jo@example.org"));

        assertThat(installed).containsExactly("email", "fhir", "inbox");
        assertThatThrownBy(() -> ContactRules.checked(Party.person("p1"), typo, installed)).isInstanceOfSatisfying(WaymarkException.class,
                e -> assertThat(e.getMessage()).contains("'emial' is not a channel of this server").contains("email, fhir, inbox"));
        ContactPreferences email = new ContactPreferences(false, "email", Map.of("email", "jo@example.org"));
        assertThat(ContactRules.checked(Party.person("p1"), email, installed)).isEqualTo(email);
        ContactPreferences sms = new ContactPreferences(true, "sms", Map.of());
        assertThat(ContactRules.checked(Party.person("p1"), sms, ContactRules.channelsFor(plugins, sms)))
                .as("a preference kept from before its plugin went does not block a change of the rest").isEqualTo(sms);
    }

    private static PluginRegistry channels(String... names) {
        return new PluginRegistry() {
            @Override
            @SuppressWarnings("unchecked")
            public <S> List<PluginService<S>> services(Class<S> type, String area) {
                return java.util.Arrays.stream(names).map(name -> (PluginService<S>) new PluginService<>(channel(name), "test", null)).toList();
            }

            @Override
            public <S, T> T call(PluginService<S> service, Duration limit, PluginCall<S, T> call) throws PluginCallException {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static NotificationChannel channel(String name) {
        return new NotificationChannel() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean canReach(Notification notification, ContactPreferences preferences) {
                return true;
            }

            @Override
            public Delivery send(Notification notification, ContactPreferences preferences) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
