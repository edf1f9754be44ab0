package org.waymark.fhir.internal;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.ReferralConsent;
import org.waymark.api.referral.ReferralFlag;

/**
 * The Flags (safeguarding concerns, reasonable adjustments, services turned down) and the Consent sent with a
 * referral, so that the link worker sees them on the referral rather than only in the stored original. Every intake
 * format (BaRS message, transaction Bundle, contained in a plain ServiceRequest) first finds the resources that concern
 * the referral, then hands them here, so all formats keep the same ones: inactive and entered-in-error flags are left
 * out (they no longer apply), and only the first Consent counts (a referral records one).
 */
final class FlagsAndConsent {
    private static final int TEXT_LIMIT = 300;

    private FlagsAndConsent() {
    }

    static boolean isFlagOrConsent(Resource resource) {
        return resource instanceof Flag || resource instanceof Consent;
    }

    /** Who a Flag or Consent is about: Flag.subject, Consent.patient. */
    static Reference subjectOf(Resource resource) {
        if (resource instanceof Flag flag) {
            return flag.getSubject();
        }
        if (resource instanceof Consent consent) {
            return consent.getPatient();
        }
        throw new IllegalArgumentException(resource.fhirType());
    }

    /**
     * Whether both references name the same patient the same way. A reference into a resource's own contained ones
     * ({@code #id}) names nothing outside that resource, so it is never the same as another resource's.
     */
    static boolean samePatient(Reference one, Reference other) {
        if (one.hasReference() && other.hasReference()) {
            return !one.getReference().startsWith("#") && one.getReference().equals(other.getReference());
        }
        return one.hasIdentifier() && other.hasIdentifier() && one.getIdentifier().hasValue()
                && Objects.equals(one.getIdentifier().getSystem(), other.getIdentifier().getSystem())
                && one.getIdentifier().getValue().equals(other.getIdentifier().getValue());
    }

    /**
     * Whether both references name a patient and they are not the same one. A Flag or Consent that names its subject
     * must name it as the referral does: a safeguarding flag put on the wrong person's referral is worse than none.
     */
    static boolean namesAnotherPatient(Reference sentSubject, Reference referralSubject) {
        if (sentSubject.hasReference() && referralSubject.hasReference()) {
            return !sentSubject.getReference().equals(referralSubject.getReference());
        }
        if (sentSubject.hasIdentifier() && referralSubject.hasIdentifier()) {
            return !Objects.equals(sentSubject.getIdentifier().getSystem(), referralSubject.getIdentifier().getSystem())
                    || !Objects.equals(sentSubject.getIdentifier().getValue(), referralSubject.getIdentifier().getValue());
        }
        return false;
    }

    /** The referral with the flags and consent among the resources sent about it. */
    static NewReferral attach(NewReferral referral, List<? extends Resource> sent) {
        return referral.with(flags(sent), consent(sent));
    }

    /** Those of the sent resources the referral keeps; the rest are left out by the rules above. */
    static List<Resource> kept(List<? extends Resource> sent) {
        List<Resource> kept = new ArrayList<>();
        boolean consentKept = false;
        for (Resource resource : sent) {
            if (resource instanceof Flag flag && inForce(flag)) {
                kept.add(flag);
            } else if (resource instanceof Consent && !consentKept) {
                kept.add(resource);
                consentKept = true;
            }
        }
        return kept;
    }

    static List<ReferralFlag> flags(List<? extends Resource> sent) {
        return kept(sent).stream().filter(r -> r instanceof Flag).map(r -> flag((Flag) r)).toList();
    }

    static ReferralConsent consent(List<? extends Resource> sent) {
        return kept(sent).stream().filter(r -> r instanceof Consent).map(r -> consent((Consent) r)).findFirst().orElse(null);
    }

    private static boolean inForce(Flag flag) {
        return !flag.hasStatus() || flag.getStatus() == Flag.FlagStatus.ACTIVE;
    }

    private static ReferralFlag flag(Flag flag) {
        Optional<Coding> category = flag.getCategory().stream().flatMap(c -> c.getCoding().stream())
                .filter(Coding::hasCode).findFirst();
        Optional<Coding> code = flag.getCode().getCoding().stream().filter(Coding::hasCode).findFirst();
        String categoryText = flag.getCategory().stream().map(ReferralMapping::describe).flatMap(Optional::stream)
                .findFirst().orElse(category.map(Coding::getCode).orElse("Flag"));
        return new ReferralFlag(clip(category.map(Coding::getCode).orElse("other")), clip(categoryText),
                code.map(c -> clip((c.hasSystem() ? c.getSystem() + "|" : "") + c.getCode())).orElse(null),
                clip(text(flag.getCode()).orElse(categoryText)),
                flag.getPeriod().hasStart() ? flag.getPeriod().getStart().toInstant() : null,
                flag.getPeriod().hasEnd() ? flag.getPeriod().getEnd().toInstant() : null);
    }

    private static ReferralConsent consent(Consent consent) {
        Optional<Coding> category = consent.getCategory().stream().flatMap(c -> c.getCoding().stream())
                .filter(Coding::hasCode).findFirst();
        String basis = consent.getPolicyRule().getCoding().stream().map(Coding::getCode).filter(c -> c != null)
                .findFirst().orElse(null);
        return new ReferralConsent(consent.hasStatus() ? consent.getStatus().toCode() : null,
                category.map(Coding::getCode).map(FlagsAndConsent::clip).orElse(null),
                consent.getCategory().stream().map(ReferralMapping::describe).flatMap(Optional::stream).findFirst()
                        .map(FlagsAndConsent::clip).orElse(null),
                clip(basis),
                consent.hasDateTime() ? consent.getDateTime().toInstant().atZone(ZoneOffset.UTC).toLocalDate() : null);
    }

    private static Optional<String> text(CodeableConcept concept) {
        return ReferralMapping.describe(concept);
    }

    private static String clip(String text) {
        return text == null || text.length() <= TEXT_LIMIT ? text : text.substring(0, TEXT_LIMIT);
    }
}
