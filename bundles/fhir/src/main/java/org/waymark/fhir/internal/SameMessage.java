package org.waymark.fhir.internal;

import java.util.Optional;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.waymark.api.referral.RecordedMessage;

/**
 * Whether a message sent again under a recorded id is the same message: the same content, however it is laid out. A
 * sender that resends a message pretty-printed, with a trailing newline or its keys in another order is replaying it,
 * not reusing its id. The same bytes settle it at once; otherwise both are compared in one canonical encoding (HAPI's
 * compact JSON of the parsed Bundle, which fixes element order and drops layout): the recorded message's canonical
 * digest when one was kept (updates and deletes, whose originals are not), else its kept original parsed again (a new
 * referral's message, including those recorded before canonical digests existed).
 */
final class SameMessage {
    private final Fhir fhir;

    SameMessage(Fhir fhir) {
        this.fhir = fhir;
    }

    String canonicalHash(Bundle message) {
        return ProcessMessageResource.sha256(fhir.encode(FhirFormat.JSON, message, false));
    }

    /**
     * @param keptOriginal the recorded message's kept original, read only when needed; may be another message (the
     *                     referral's new message, for an update), which then simply differs
     */
    boolean isSame(RecordedMessage recorded, String digest, Bundle received, Supplier<Optional<String>> keptOriginal) {
        if (recorded.contentHash().equals(digest)) {
            return true;
        }
        String canonical = canonicalHash(received);
        if (recorded.canonicalHash() != null) {
            return recorded.canonicalHash().equals(canonical);
        }
        return keptOriginal.get().map(this::parse).map(this::canonicalHash).filter(canonical::equals).isPresent();
    }

    private Bundle parse(String original) {
        FhirFormat format = original.stripLeading().startsWith("<") ? FhirFormat.XML : FhirFormat.JSON;
        return fhir.parse(format, original, Bundle.class);
    }
}
