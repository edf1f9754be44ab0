package org.waymark.api.security;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.waymark.api.error.WaymarkException;

/**
 * Who a machine client (a GP system) is registered to send as: the message source endpoints it may name and the ODS
 * codes of the organisations it may send for. Intake binds a client that is not an {@link Caller#anySender() any-sender}
 * client to these, so that one GP system cannot send as another.
 *
 * @since 1.3
 */
@org.osgi.annotation.versioning.ProviderType
public interface SenderIdentities {

    /** The ODS code system (some real messages write {@code /id/}: the same system). */
    String ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";

    /** The longest endpoint: a referral's identity is its sender's endpoint under a prefix, within 200 characters. */
    int MAX_ENDPOINT_LENGTH = 180;

    /**
     * One client's registered identities.
     *
     * @param endpoints the BaRS {@code MessageHeader.source.endpoint} values it may send from, compared exactly
     * @param odsCodes  the ODS codes of the organisations it may send for, upper case (ODS codes are compared without
     *                  regard to case, as senders write them either way)
     */
    record Registered(Set<String> endpoints, Set<String> odsCodes) {
        private static final Pattern ODS_CODE = Pattern.compile("[A-Z0-9]{2,12}");

        public Registered {
            endpoints = Set.copyOf(new TreeSet<>(endpoints));
            TreeSet<String> codes = new TreeSet<>();
            odsCodes.forEach(code -> codes.add(odsCode(code)));
            odsCodes = Set.copyOf(codes);
        }

        public static Registered none() {
            return new Registered(Set.of(), Set.of());
        }

        public boolean isEmpty() {
            return endpoints.isEmpty() && odsCodes.isEmpty();
        }

        public boolean hasEndpoint(String endpoint) {
            return endpoint != null && endpoints.contains(endpoint);
        }

        public boolean hasOdsCode(String code) {
            return code != null && odsCodes.contains(code.strip().toUpperCase(Locale.ROOT));
        }

        /** An ODS code as stored and compared; refuses what cannot be one (letters and digits, 2 to 12). */
        public static String odsCode(String code) {
            String normal = code == null ? "" : code.strip().toUpperCase(Locale.ROOT);
            if (!ODS_CODE.matcher(normal).matches()) {
                throw WaymarkException.invalid("An ODS code is 2 to 12 letters or digits");
            }
            return normal;
        }

        /** An endpoint as registered: as the sender writes it, without spaces, at most {@link #MAX_ENDPOINT_LENGTH}. */
        public static String endpoint(String endpoint) {
            String normal = endpoint == null ? "" : endpoint.strip();
            if (normal.isEmpty() || normal.length() > MAX_ENDPOINT_LENGTH || normal.chars().anyMatch(Character::isWhitespace)) {
                throw WaymarkException.invalid("An endpoint is 1 to " + MAX_ENDPOINT_LENGTH + " characters without spaces");
            }
            return normal;
        }
    }

    /** The client's registered identities; {@link Registered#none()} for a client with none (or no such client). */
    Registered of(String clientId);

    /**
     * Whether an identifier's system is the ODS code system, however a sender spells it ({@code /Id/} or {@code /id/},
     * http or https): a binding must not be slipped past by a spelling.
     */
    static boolean isOdsSystem(String system) {
        return system != null && system.toLowerCase(Locale.ROOT).endsWith("/id/ods-organization-code");
    }
}
