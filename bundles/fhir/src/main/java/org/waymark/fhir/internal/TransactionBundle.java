package org.waymark.fhir.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Subject;

/**
 * A FHIR transaction Bundle read for what Waymark accepts in one: POST (create) entries of Patients, optionally
 * conditional on the NHS number ({@code ifNoneExist=identifier=https://fhir.nhs.uk/Id/nhs-number|N}), of
 * ServiceRequests about them, referring to a Patient entry by its fullUrl ({@code urn:uuid:...}), and of the Flags and
 * Consents that go with those referrals (see {@link FlagAndConsentEntries}). Everything is checked here, before
 * anything is stored, so that a refused Bundle leaves nothing behind.
 */
final class TransactionBundle {
    static final int MAX_ENTRIES = 100;

    /** A Patient entry: the subject its ServiceRequests share. */
    record PatientEntry(int index, String key, Subject subject) {
    }

    /**
     * A ServiceRequest entry and the referral it becomes; patientKey is the Patient entry it is about, if any;
     * flagsAndConsentKept are the Flags and Consent (contained or entries) the referral keeps.
     */
    record ReferralEntry(int index, ServiceRequest request, String patientKey, NewReferral referral,
                         List<Resource> flagsAndConsentKept) {
    }

    /** A Flag or Consent entry and the referrals it goes with, as positions in {@link #referrals()}. */
    record SentEntry(int index, Resource resource, List<Integer> referrals) {
    }

    private final Bundle bundle;
    private final Map<String, PatientEntry> patients = new LinkedHashMap<>();
    private final List<ReferralEntry> referrals = new ArrayList<>();
    private final List<SentEntry> sent = new ArrayList<>();

    /**
     * @param sourceOf the original document to keep for one referral (provenance), given the entries it comes from:
     *                 its ServiceRequest, its Patient and the Flags and Consents that go with it, in Bundle order
     */
    TransactionBundle(Bundle bundle, Fhir fhir, Function<List<Bundle.BundleEntryComponent>, String> sourceOf,
                      String sourceFormat) {
        this.bundle = bundle;
        if (bundle.getType() != Bundle.BundleType.TRANSACTION) {
            throw WaymarkException.unprocessable("POST /fhir takes a Bundle of type 'transaction'"
                    + (bundle.getType() == Bundle.BundleType.BATCH ? "; batches are not supported" : "")
                    + (bundle.getType() == Bundle.BundleType.MESSAGE ? "; send messages to $process-message" : ""));
        }
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        if (entries.isEmpty()) {
            throw WaymarkException.invalid("The transaction has no entries");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw WaymarkException.unprocessable("A transaction may have at most " + MAX_ENTRIES + " entries");
        }
        Set<String> fullUrls = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            Bundle.BundleEntryComponent entry = entries.get(i);
            String where = "Entry " + i;
            Bundle.BundleEntryRequestComponent request = entry.getRequest();
            if (request == null || request.getMethod() == null || !request.hasUrl()) {
                throw WaymarkException.invalid(where + " needs request.method and request.url");
            }
            if (request.getMethod() != Bundle.HTTPVerb.POST) {
                throw WaymarkException.unprocessable(where + ": Waymark accepts only POST (create) entries in a transaction, not "
                        + request.getMethod().toCode());
            }
            Resource resource = entry.getResource();
            if (resource == null) {
                throw WaymarkException.invalid(where + " has no resource");
            }
            if (entry.hasFullUrl() && !fullUrls.add(entry.getFullUrl())) {
                throw WaymarkException.invalid(where + " repeats the fullUrl " + Messages.safe(entry.getFullUrl()));
            }
            if (!(resource instanceof Patient) && !(resource instanceof ServiceRequest)
                    && !FlagsAndConsent.isFlagOrConsent(resource)) {
                throw WaymarkException.unprocessable(where + ": Waymark accepts Patient, ServiceRequest, Flag and Consent "
                        + "entries in a transaction, not " + resource.fhirType());
            }
            if (!request.getUrl().strip().equals(resource.fhirType())) {
                throw WaymarkException.invalid(where + ": request.url must be " + resource.fhirType() + " for a create");
            }
            if (FlagsAndConsent.isFlagOrConsent(resource) && request.hasIfNoneExist()) {
                throw WaymarkException.unprocessable(where + ": a " + resource.fhirType() + " goes with its referral; "
                        + "there is nothing to match a conditional create against");
            }
            if (resource instanceof Patient patient) {
                String key = entry.hasFullUrl() ? entry.getFullUrl() : "entry:" + i;
                patients.put(key, new PatientEntry(i, key, patientSubject(where, patient, request.getIfNoneExist()).withKey(key)));
            }
        }
        for (int i = 0; i < entries.size(); i++) {
            if (FlagsAndConsent.isFlagOrConsent(entries.get(i).getResource())) {
                checkReferencesResolve("Entry " + i, entries.get(i).getResource(), fhir, fullUrls);
            }
        }
        FlagAndConsentEntries flagsAndConsent = new FlagAndConsentEntries(entries);
        Set<String> referenced = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).getResource() instanceof ServiceRequest request) {
                String where = "Entry " + i;
                checkReferencesResolve(where, request, fhir, fullUrls);
                ReferralMapping.requireNewReferral(request);
                Identifier identifier = ReferralMapping.retryIdentifier(request).orElse(null);
                ConditionalCreate.requireOwnIdentifier(where, entries.get(i).getRequest().getIfNoneExist(), identifier);
                String reference = request.getSubject().getReference();
                PatientEntry patient = reference == null ? null : patients.get(reference);
                if (patient == null && reference != null && fullUrls.contains(reference)) {
                    throw WaymarkException.invalid(where + ": the subject must be a Patient entry, and "
                            + Messages.safe(reference) + " is not one");
                }
                if (patient == null && reference != null && reference.startsWith("urn:")) {
                    throw WaymarkException.invalid(where + ": the subject " + Messages.safe(reference)
                            + " refers to nothing in the Bundle");
                }
                List<Integer> sentWith = flagsAndConsent.of(i);
                String source = sourceOf.apply(partsOf(i, patient, sentWith));
                NewReferral referral = patient == null
                        ? ReferralMapping.toNewReferral(request, sourceFormat, source)
                        : ReferralMapping.newReferral(request, patient.subject(),
                                identifier == null ? null : identifier.getSystem(), identifier == null ? null : identifier.getValue(),
                                List.of(), ReferralMapping.requester(request.getRequester()), sourceFormat, source);
                // Its contained Flags and Consent and the entries that go with it, in place of the contained ones only.
                List<Resource> flagsAndConsentSent = ReferralMapping.sentWith(request,
                        sentWith.stream().map(s -> entries.get(s).getResource()).toList());
                if (patient != null) {
                    referenced.add(patient.key());
                }
                referrals.add(new ReferralEntry(i, request, patient == null ? null : patient.key(),
                        FlagsAndConsent.attach(referral, flagsAndConsentSent), FlagsAndConsent.kept(flagsAndConsentSent)));
            }
        }
        flagsAndConsent.requireEachGoesWithAReferral();
        for (int i = 0; i < entries.size(); i++) {
            if (FlagsAndConsent.isFlagOrConsent(entries.get(i).getResource())) {
                List<Integer> with = new ArrayList<>();
                for (int r = 0; r < referrals.size(); r++) {
                    if (flagsAndConsent.of(referrals.get(r).index()).contains(i)) {
                        with.add(r);
                    }
                }
                sent.add(new SentEntry(i, entries.get(i).getResource(), with));
            }
        }
        for (PatientEntry patient : patients.values()) {
            if (!referenced.contains(patient.key())) {
                throw WaymarkException.unprocessable("Entry " + patient.index() + ": Waymark keeps a Patient only as the "
                        + "subject of a referral; no ServiceRequest in the transaction refers to it");
            }
        }
        if (referrals.isEmpty()) {
            throw WaymarkException.unprocessable("The transaction holds no ServiceRequest");
        }
    }

    Bundle bundle() {
        return bundle;
    }

    List<ReferralEntry> referrals() {
        return referrals;
    }

    List<PatientEntry> patients() {
        return List.copyOf(patients.values());
    }

    List<SentEntry> flagsAndConsents() {
        return sent;
    }

    /** The entries one referral comes from, in Bundle order: what its kept original holds. */
    private List<Bundle.BundleEntryComponent> partsOf(int serviceRequestIndex, PatientEntry patient, List<Integer> sentWith) {
        Set<Integer> parts = new TreeSet<>(sentWith);
        parts.add(serviceRequestIndex);
        if (patient != null) {
            parts.add(patient.index());
        }
        return parts.stream().map(bundle.getEntry()::get).toList();
    }

    /** The Patient entry a ServiceRequest entry is about, if it names one. */
    Optional<PatientEntry> patientOf(ReferralEntry referral) {
        return Optional.ofNullable(referral.patientKey()).map(patients::get);
    }

    /** Every urn: reference must name an entry of this Bundle (FHIR transaction rules); anything else is an error. */
    private static void checkReferencesResolve(String where, Resource resource, Fhir fhir, Set<String> fullUrls) {
        List<Reference> references = Fhir.withBundleClassLoader(
                () -> fhir.context().newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class));
        for (Reference reference : references) {
            String target = reference.getReference();
            if (target != null && target.startsWith("urn:") && !fullUrls.contains(target)) {
                throw WaymarkException.invalid(where + ": the reference " + Messages.safe(target) + " refers to nothing in the Bundle");
            }
        }
    }

    private static Subject patientSubject(String where, Patient patient, String ifNoneExist) {
        Optional<NhsNumber> nhs = ReferralMapping.nhsNumber(patient.getIdentifier());
        if (ifNoneExist != null && !ifNoneExist.isBlank()) {
            NhsNumber wanted = conditionNhsNumber(where, ifNoneExist);
            if (nhs.isPresent() && !nhs.get().value().equals(wanted.value())) {
                throw WaymarkException.invalid(where + ": ifNoneExist names another NHS number than the Patient's own");
            }
            nhs = Optional.of(wanted);
        }
        return Subject.described(nhs.orElse(null), ReferralMapping.demographics(patient));
    }

    /**
     * Conditional create matches a Patient by NHS number, which is how Waymark links patients anyway: a verified
     * number finds the one patient that has it.
     */
    private static NhsNumber conditionNhsNumber(String where, String ifNoneExist) {
        Map<String, String> criteria = ConditionalCreate.criteria(where, ifNoneExist);
        String identifier = criteria.get("identifier");
        if (criteria.size() != 1 || identifier == null) {
            throw WaymarkException.unprocessable(where + ": a conditional create of a Patient supports only "
                    + "ifNoneExist=identifier=" + NhsNumber.SYSTEM + "|{NHS number}");
        }
        TokenParam token = TokenParam.parse(identifier);
        if (!NhsNumber.SYSTEM.equals(token.system())) {
            throw WaymarkException.unprocessable(where + ": a conditional create of a Patient matches on the NHS number "
                    + "system " + NhsNumber.SYSTEM);
        }
        return NhsNumber.parse(token.value())
                .orElseThrow(() -> WaymarkException.invalid(where + ": the NHS number must have exactly 10 digits"));
    }
}
