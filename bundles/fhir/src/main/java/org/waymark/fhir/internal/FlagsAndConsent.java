package org.waymark.fhir.internal;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Resource;
import org.waymark.api.referral.ReferralConsent;
import org.waymark.api.referral.ReferralFlag;

/**
 * The Flags (safeguarding concerns, reasonable adjustments, services turned down) and the Consent a BaRS message
 * carries beside its ServiceRequest, so that the link worker sees them on the referral rather than only in the stored
 * message. Inactive and entered-in-error flags are left out: they no longer apply.
 */
final class FlagsAndConsent {
    private static final int TEXT_LIMIT = 300;

    private FlagsAndConsent() {
    }

    static List<ReferralFlag> flags(Bundle bundle) {
        List<ReferralFlag> flags = new ArrayList<>();
        for (Resource resource : resources(bundle)) {
            if (resource instanceof Flag flag && (!flag.hasStatus() || flag.getStatus() == Flag.FlagStatus.ACTIVE)) {
                Optional<Coding> category = flag.getCategory().stream().flatMap(c -> c.getCoding().stream())
                        .filter(Coding::hasCode).findFirst();
                Optional<Coding> code = flag.getCode().getCoding().stream().filter(Coding::hasCode).findFirst();
                String categoryText = flag.getCategory().stream().map(ReferralMapping::describe).flatMap(Optional::stream)
                        .findFirst().orElse(category.map(Coding::getCode).orElse("Flag"));
                flags.add(new ReferralFlag(clip(category.map(Coding::getCode).orElse("other")), clip(categoryText),
                        code.map(c -> clip((c.hasSystem() ? c.getSystem() + "|" : "") + c.getCode())).orElse(null),
                        clip(text(flag.getCode()).orElse(categoryText)),
                        flag.getPeriod().hasStart() ? flag.getPeriod().getStart().toInstant() : null,
                        flag.getPeriod().hasEnd() ? flag.getPeriod().getEnd().toInstant() : null));
            }
        }
        return flags;
    }

    static ReferralConsent consent(Bundle bundle) {
        for (Resource resource : resources(bundle)) {
            if (resource instanceof Consent consent) {
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
        }
        return null;
    }

    private static List<Resource> resources(Bundle bundle) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(r -> r != null).toList();
    }

    private static Optional<String> text(CodeableConcept concept) {
        return ReferralMapping.describe(concept);
    }

    private static String clip(String text) {
        return text == null || text.length() <= TEXT_LIMIT ? text : text.substring(0, TEXT_LIMIT);
    }
}
