package org.waymark.fhir.internal;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.waymark.api.referral.Intake;

/**
 * The transaction-response entry of a Flag or Consent entry. Waymark keeps them as part of the referral (staff read
 * them on the referral page), not as FHIR resources of their own that could be read back, so the answer carries no
 * location; instead its outcome tells the sender which referral kept the entry, or why none did, so that a GP system
 * can see that a flag it sent was not dropped unnoticed.
 */
final class FlagAndConsentResponses {
    private FlagAndConsentResponses() {
    }

    /**
     * @param intakes what became of each referral, in the order of {@code referrals}
     */
    static Bundle.BundleEntryComponent entry(TransactionBundle.SentEntry sent, List<TransactionBundle.ReferralEntry> referrals,
                                             List<Intake> intakes) {
        List<String> keptNow = new ArrayList<>();
        List<String> receivedBefore = new ArrayList<>();
        for (int r : sent.referrals()) {
            if (referrals.get(r).flagsAndConsentKept().stream().anyMatch(kept -> kept == sent.resource())) {
                Intake intake = intakes.get(r);
                (intake.created() ? keptNow : receivedBefore).add("ServiceRequest/" + intake.referral().id());
            }
        }
        List<String> said = new ArrayList<>();
        if (!keptNow.isEmpty()) {
            said.add("Kept with the referral " + String.join(", ", keptNow) + ", as part of it: Waymark has no "
                    + sent.resource().fhirType() + " resources of their own");
        }
        if (!receivedBefore.isEmpty()) {
            said.add("The referral " + String.join(", ", receivedBefore) + " was already received; it keeps the flags "
                    + "and consent sent with it then");
        }
        if (said.isEmpty()) {
            said.add(sent.resource() instanceof Flag
                    ? "Not kept: a Flag that is inactive or entered in error no longer applies"
                    : "Not kept: a referral keeps the first Consent sent with it");
        }
        Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent();
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION).setCode(OperationOutcome.IssueType.INFORMATIONAL)
                .setDiagnostics(String.join("; ", said));
        entry.getResponse().setStatus(keptNow.isEmpty() ? "200 OK" : "201 Created").setOutcome(outcome);
        return entry;
    }
}
