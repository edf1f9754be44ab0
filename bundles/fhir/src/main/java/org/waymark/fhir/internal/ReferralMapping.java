package org.waymark.fhir.internal;

import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.waymark.api.referral.SocialPrescribingCodes;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.PatientReplacement;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.referral.Subject;

/** Between FHIR R4 resources (UK Core shapes) and Waymark's domain records. */
final class ReferralMapping {
    static final String ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";
    /** Whether the NHS number's mod-11 check digit holds; not a PDS trace, so UK Core's verification extension would overclaim. */
    static final String CHECK_DIGIT_EXTENSION = "https://waymark.org/fhir/StructureDefinition/nhs-number-check-digit-valid";

    /** The Task owner is the social prescribing service of the referral's area: Organization/waymark-{area}. */
    static final String OWNER_PREFIX = "waymark-";

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private ReferralMapping() {
    }

    /** The area whose service an owner reference names, or null when it names none. */
    static String areaOfOwner(String organizationId) {
        return organizationId.startsWith(OWNER_PREFIX) && organizationId.length() > OWNER_PREFIX.length()
                ? organizationId.substring(OWNER_PREFIX.length()) : null;
    }

    // ---------------------------------------------------------------- FHIR to domain

    static NewReferral toNewReferral(ServiceRequest request, String sourceFormat, String sourceDocument) {
        requireNewReferral(request);
        Identifier identifier = retryIdentifier(request).orElse(null);
        NewReferral referral = newReferral(request, subject(request), identifier == null ? null : identifier.getSystem(),
                identifier == null ? null : identifier.getValue(), List.of(), requester(request.getRequester()),
                sourceFormat, sourceDocument);
        return FlagsAndConsent.attach(referral, sentWith(request, List.of()));
    }

    /**
     * The Flags and Consents sent with a ServiceRequest: those it contains, then those sent beside it (a transaction's
     * entries about it), so that a contained Consent is the one kept when both come.
     */
    static List<Resource> sentWith(ServiceRequest request, List<? extends Resource> sentBeside) {
        List<Resource> sent = new ArrayList<>(ContainedFlagsAndConsent.of(request));
        sent.addAll(sentBeside);
        return sent;
    }

    /**
     * The identifier by which a sender's retry finds the referral it already sent (its first). Every identifier needs
     * a system and a value: an identifier without a system was once dropped without a word, so a retry created a
     * second referral, and a value means nothing without the system that issued it.
     */
    static Optional<Identifier> retryIdentifier(ServiceRequest request) {
        List<Identifier> identifiers = request.getIdentifier();
        for (int i = 0; i < identifiers.size(); i++) {
            Identifier identifier = identifiers.get(i);
            if (!identifier.hasSystem() || !identifier.hasValue()) {
                throw WaymarkException.unprocessable("ServiceRequest.identifier[" + i + "] needs both a system and a value: "
                        + "Waymark recognises a retried referral by its identifier's system and value, so an identifier "
                        + "without " + (identifier.hasSystem() ? "a value" : "a system (the namespace of the sending system's "
                        + "referral numbers)") + " cannot keep a retry from creating a second referral");
            }
        }
        return identifiers.stream().findFirst();
    }

    /** The business rules every new referral meets, however it arrives. */
    static void requireNewReferral(ServiceRequest request) {
        if (request.getStatus() != ServiceRequest.ServiceRequestStatus.ACTIVE) {
            throw WaymarkException.unprocessable("A new referral must have status 'active'");
        }
        if (request.getIntent() == null) {
            throw WaymarkException.invalid("ServiceRequest.intent is required");
        }
        if (!request.hasSubject()) {
            throw WaymarkException.invalid("ServiceRequest.subject is required: the Patient the referral is about");
        }
    }

    /**
     * @param moreReasons reasons found outside the ServiceRequest (a message's Encounter or Conditions)
     */
    static NewReferral newReferral(ServiceRequest request, Subject subject, String identifierSystem, String identifierValue,
                                   List<String> moreReasons, String requester, String sourceFormat, String sourceDocument) {
        String reason = reasonText(request);
        Set<String> reasons = new LinkedHashSet<>();
        if (reason != null) {
            reasons.add(reason);
        }
        reasons.addAll(moreReasons);
        return new NewReferral(identifierSystem, identifierValue, subject,
                reasons.isEmpty() ? null : String.join("; ", reasons),
                reasonCode(request),
                request.getPriority() == null ? null : request.getPriority().toCode(),
                request.hasAuthoredOn() ? request.getAuthoredOn().toInstant() : null,
                requester,
                notes(request.getNote()),
                sourceFormat,
                sourceDocument);
    }

    private static Subject subject(ServiceRequest request) {
        Reference subject = request.getSubject();
        String reference = subject.getReference();
        if (reference != null && reference.startsWith("#")) {
            org.hl7.fhir.r4.model.Patient contained = request.getContained().stream()
                    .filter(r -> r instanceof org.hl7.fhir.r4.model.Patient)
                    .map(r -> (org.hl7.fhir.r4.model.Patient) r)
                    .filter(p -> reference.substring(1).equals(p.getIdElement().getIdPart()))
                    .findFirst()
                    .orElseThrow(() -> WaymarkException.invalid("The subject refers to " + Messages.safe(reference)
                            + " but no contained Patient has that id"));
            return Subject.described(nhsNumber(contained.getIdentifier()).orElse(null), demographics(contained));
        }
        if (reference != null && !reference.isBlank()) {
            String[] parts = reference.split("/");
            if (parts.length >= 2 && parts[parts.length - 2].equals("Patient") && !reference.contains("://")) {
                return Subject.existing(parts[parts.length - 1]);
            }
            throw WaymarkException.unprocessable("The subject must be a Patient: contained, Patient/{id} of this service, "
                    + "or a logical reference by NHS number");
        }
        if (subject.hasIdentifier()) {
            NhsNumber nhs = nhsNumber(List.of(subject.getIdentifier())).orElseThrow(() -> WaymarkException.invalid(
                    "A logical subject reference must use the NHS number system " + NhsNumber.SYSTEM));
            return Subject.described(nhs, Demographics.NONE);
        }
        throw WaymarkException.invalid("ServiceRequest.subject has neither a reference nor an identifier");
    }

    /**
     * Finds the NHS number among identifiers; a value that is not 10 digits is refused, a failing check digit is not.
     * Two different NHS numbers for one person are refused too: linking by either would be a guess, and the other one
     * would be lost without a word.
     */
    static Optional<NhsNumber> nhsNumber(List<Identifier> identifiers) {
        NhsNumber found = null;
        for (Identifier identifier : identifiers) {
            if (NhsNumber.SYSTEM.equals(identifier.getSystem())) {
                NhsNumber number = NhsNumber.parse(identifier.getValue()).orElseThrow(() -> WaymarkException.invalid(
                        "The NHS number must have exactly 10 digits"));
                if (found != null && !found.value().equals(number.value())) {
                    throw WaymarkException.invalid("The patient has two different NHS numbers (" + NhsNumber.SYSTEM
                            + "); send the one that is theirs");
                }
                found = number;
            }
        }
        return Optional.ofNullable(found);
    }

    static Demographics demographics(org.hl7.fhir.r4.model.Patient patient) {
        return demographics(patient, LocalDate.now(LONDON));
    }

    static Demographics demographics(org.hl7.fhir.r4.model.Patient patient, LocalDate today) {
        HumanName name = patient.getName().stream()
                .filter(n -> n.getUse() == HumanName.NameUse.OFFICIAL).findFirst()
                .orElse(patient.getNameFirstRep());
        // FHIR's given search matches any given name, so every one is kept, not only the first.
        String given = name.getGiven().stream().map(StringType::getValue).filter(g -> g != null && !g.isBlank())
                .map(g -> WHITESPACE.matcher(g.strip()).replaceAll(" ")).collect(Collectors.joining(" "));
        Demographics.BirthDatePrecision precision = null;
        LocalDate birthDate = null;
        if (patient.hasBirthDate()) {
            // The element's text, not getBirthDate(): that fills a missing month and day with January 1st.
            String text = patient.getBirthDateElement().getValueAsString();
            if (text.length() == 4) {
                birthDate = Year.parse(text).atDay(1);
                precision = Demographics.BirthDatePrecision.YEAR;
            } else if (text.length() == 7) {
                birthDate = YearMonth.parse(text).atDay(1);
                precision = Demographics.BirthDatePrecision.MONTH;
            } else {
                birthDate = LocalDate.parse(text.substring(0, 10));
                precision = Demographics.BirthDatePrecision.DAY;
            }
        }
        return new Demographics(
                name.getFamily(),
                given.isEmpty() ? null : given,
                birthDate,
                patient.hasGender() ? patient.getGender().toCode() : null,
                currentPostcode(patient.getAddress(), today),
                precision);
    }

    /**
     * The postcode of where the person lives now: a home address still in use, else any other address still in use
     * that is not marked old (temporary, work, or without a use), else none. An old address's postcode would link
     * the person to whoever lives there now and send letters to the wrong door, so no postcode is better than it.
     */
    static String currentPostcode(List<Address> addresses, LocalDate today) {
        List<Address> current = addresses.stream().filter(Address::hasPostalCode)
                .filter(a -> !a.getPostalCode().isBlank())
                .filter(a -> a.getUse() != Address.AddressUse.OLD && inUse(a.getPeriod(), today)).toList();
        return current.stream().filter(a -> a.getUse() == Address.AddressUse.HOME).findFirst()
                .or(() -> current.stream().findFirst())
                .map(Address::getPostalCode).orElse(null);
    }

    /** Whether today lies within the period, each end counted to the last day its precision allows. */
    private static boolean inUse(Period period, LocalDate today) {
        if (period == null || period.isEmpty()) {
            return true;
        }
        if (period.hasEnd() && lastDay(period.getEndElement()).isBefore(today)) {
            return false;
        }
        return !period.hasStart() || !firstDay(period.getStartElement()).isAfter(today);
    }

    private static LocalDate firstDay(DateTimeType value) {
        return LocalDate.of(value.getYear(), value.getPrecision().ordinal() >= TemporalPrecisionEnum.MONTH.ordinal()
                ? value.getMonth() + 1 : 1, value.getPrecision().ordinal() >= TemporalPrecisionEnum.DAY.ordinal() ? value.getDay() : 1);
    }

    private static LocalDate lastDay(DateTimeType value) {
        LocalDate first = firstDay(value);
        return switch (value.getPrecision()) {
            case YEAR -> first.withDayOfYear(first.lengthOfYear());
            case MONTH -> first.withDayOfMonth(first.lengthOfMonth());
            default -> first;
        };
    }

    /** The reason may be in code, reasonCode, category or a note: most real referrals have no code. */
    private static String reasonText(ServiceRequest request) {
        Set<String> parts = new LinkedHashSet<>();
        describe(request.getCode()).ifPresent(parts::add);
        request.getReasonCode().forEach(c -> describe(c).ifPresent(parts::add));
        request.getCategory().forEach(c -> describe(c).ifPresent(parts::add));
        request.getReasonReference().stream().filter(Reference::hasDisplay).forEach(r -> parts.add(r.getDisplay()));
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    private static String reasonCode(ServiceRequest request) {
        List<CodeableConcept> concepts = new ArrayList<>();
        concepts.add(request.getCode());
        concepts.addAll(request.getReasonCode());
        return concepts.stream().flatMap(c -> c.getCoding().stream())
                .filter(c -> c.hasSystem() && c.hasCode())
                .map(c -> c.getSystem() + "|" + c.getCode()).findFirst().orElse(null);
    }

    static Optional<String> describe(CodeableConcept concept) {
        if (concept == null || concept.isEmpty()) {
            return Optional.empty();
        }
        if (concept.hasText()) {
            return Optional.of(concept.getText());
        }
        return concept.getCoding().stream().map(Coding::getDisplay).filter(d -> d != null && !d.isBlank()).findFirst();
    }

    static String requester(Reference requester) {
        if (requester == null || requester.isEmpty()) {
            return null;
        }
        if (requester.hasDisplay()) {
            return requester.getDisplay();
        }
        if (requester.hasIdentifier() && requester.getIdentifier().hasValue()) {
            return requester.getIdentifier().getValue();
        }
        return requester.getReference();
    }

    private static String notes(List<Annotation> notes) {
        String text = String.join("\n", notes.stream().filter(Annotation::hasText).map(Annotation::getText).toList());
        return text.isEmpty() ? null : text;
    }

    // ---------------------------------------------------------------- domain to FHIR

    static ServiceRequest toServiceRequest(Referral referral) {
        ServiceRequest request = new ServiceRequest();
        request.setId(referral.id());
        request.setMeta(meta(referral.version(), referral.lastUpdated()));
        if (referral.identifierSystem() != null) {
            request.addIdentifier().setSystem(referral.identifierSystem()).setValue(referral.identifierValue());
        }
        referral.businessIdentifiers().forEach(i -> request.addIdentifier().setSystem(i.system()).setValue(i.value()));
        request.setStatus(serviceRequestStatus(referral.status()));
        request.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        if (referral.priority() != null) {
            request.setPriority(ServiceRequest.ServiceRequestPriority.fromCode(referral.priority()));
        }
        Reference subject = new Reference("Patient/" + referral.patientId());
        if (referral.patientNhsNumber() != null) {
            subject.setIdentifier(nhsNumberIdentifier(referral.patientNhsNumber()));
        }
        request.setSubject(subject);
        if (referral.authoredOn() != null) {
            request.setAuthoredOn(Date.from(referral.authoredOn()));
        }
        if (referral.requester() != null) {
            request.setRequester(new Reference().setDisplay(referral.requester()));
        }
        if (referral.reasonText() != null || referral.reasonCode() != null) {
            CodeableConcept reason = request.addReasonCode().setText(referral.reasonText());
            if (referral.reasonCode() != null && referral.reasonCode().contains("|")) {
                String[] code = referral.reasonCode().split("\\|", 2);
                reason.addCoding().setSystem(code[0]).setCode(code[1]);
            }
        }
        if (referral.note() != null) {
            request.addNote().setText(referral.note());
        }
        return request;
    }

    static ServiceRequest.ServiceRequestStatus serviceRequestStatus(ReferralStatus status) {
        return switch (status) {
            case REQUESTED, ACCEPTED, IN_PROGRESS, ON_HOLD -> ServiceRequest.ServiceRequestStatus.ACTIVE;
            case COMPLETED -> ServiceRequest.ServiceRequestStatus.COMPLETED;
            case REJECTED, FAILED, CANCELLED -> ServiceRequest.ServiceRequestStatus.REVOKED;
            case ENTERED_IN_ERROR -> ServiceRequest.ServiceRequestStatus.ENTEREDINERROR;
        };
    }

    static org.hl7.fhir.r4.model.Patient toPatient(Patient patient) {
        org.hl7.fhir.r4.model.Patient resource = new org.hl7.fhir.r4.model.Patient();
        resource.setId(patient.id());
        resource.setMeta(meta(patient.version(), patient.lastUpdated()));
        if (patient.nhsNumber() != null) {
            resource.addIdentifier(nhsNumberIdentifier(patient.nhsNumber()));
        }
        Demographics d = patient.demographics();
        if (d.family() != null || d.given() != null) {
            HumanName name = resource.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily(d.family());
            if (d.given() != null) {
                // Stored as every given name separated by spaces (see demographics()).
                for (String given : WHITESPACE.split(d.given().strip())) {
                    name.addGiven(given);
                }
            }
        }
        if (d.gender() != null) {
            resource.setGender(AdministrativeGender.fromCode(d.gender().toLowerCase(Locale.ROOT)));
        }
        if (d.birthDate() != null) {
            resource.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(d.birthDateText()));
        }
        if (d.postcode() != null) {
            resource.addAddress().setPostalCode(d.postcode());
        }
        return resource;
    }

    /**
     * An NHS number as Waymark shows it wherever it appears, with whether its check digit holds: a ServiceRequest's
     * subject showed a number that fails mod-11 bare, so a receiver reading only the referral (BaRS searches it by
     * patient:identifier) took as verified what the Patient marks as unverified.
     */
    private static Identifier nhsNumberIdentifier(NhsNumber number) {
        Identifier identifier = new Identifier().setSystem(NhsNumber.SYSTEM).setValue(number.value());
        identifier.addExtension(CHECK_DIGIT_EXTENSION, new BooleanType(number.verified()));
        return identifier;
    }

    /** A merged-away record as FHIR's patient merge leaves its source: inactive, linked to the record replacing it. */
    static org.hl7.fhir.r4.model.Patient toReplacedPatient(PatientReplacement replacement) {
        org.hl7.fhir.r4.model.Patient resource = new org.hl7.fhir.r4.model.Patient();
        resource.setId(replacement.patientId());
        resource.setMeta(new Meta().setLastUpdated(Date.from(replacement.mergedAt())));
        resource.setActive(false);
        resource.addLink().setType(org.hl7.fhir.r4.model.Patient.LinkType.REPLACEDBY)
                .setOther(new Reference("Patient/" + replacement.replacedBy()));
        return resource;
    }

    static Task toTask(Referral referral) {
        Task task = new Task();
        task.setId(referral.taskId());
        task.setMeta(meta(referral.version(), referral.lastUpdated()));
        task.setStatus(Task.TaskStatus.fromCode(referral.status().code()));
        if (referral.statusReason() != null) {
            task.setStatusReason(new CodeableConcept().setText(referral.statusReason()));
        }
        task.setIntent(Task.TaskIntent.ORDER);
        if (referral.priority() != null) {
            // The referrer's priority, or the higher one the area's triage gave it: the GP sees how soon it is seen.
            task.setPriority(Task.TaskPriority.fromCode(referral.priority()));
        }
        task.setFocus(new Reference("ServiceRequest/" + referral.id()));
        task.setFor(new Reference("Patient/" + referral.patientId()));
        task.setAuthoredOn(Date.from(referral.created()));
        task.setLastModifiedElement(toTheMillisecond(referral.lastUpdated()));
        task.setRequester(new Reference().setDisplay(referral.senderId()));
        task.setOwner(new Reference("Organization/" + OWNER_PREFIX + referral.area())
                .setDisplay("Waymark social prescribing, " + referral.area()));
        task.setCode(new CodeableConcept().addCoding(new Coding("http://hl7.org/fhir/CodeSystem/task-code", "fulfill",
                "Fulfill the focal request")));
        addOutputs(task, referral);
        return task;
    }

    /**
     * The message back to the GP: the episode's SNOMED CT code (accepted or declined) and, once closed, the outcome
     * the worker recorded.
     */
    private static void addOutputs(Task task, Referral referral) {
        if (referral.episodeCode() != null) {
            task.addOutput().setType(new CodeableConcept().setText("Social prescribing status"))
                    .setValue(new CodeableConcept().addCoding(new Coding(SocialPrescribingCodes.SNOMED, referral.episodeCode(),
                            SocialPrescribingCodes.display(referral.episodeCode()))));
        }
        if (referral.outcome() != null) {
            task.addOutput().setType(new CodeableConcept().setText("Outcome")).setValue(new StringType(referral.outcome()));
        }
    }

    /**
     * A Task's lastModified as precisely as its meta.lastUpdated: a dateTime made from a Date keeps whole seconds,
     * so the changes a worker makes within one second (accepted, then in progress) had the same lastModified, and a
     * receiver ordering the Tasks it is sent by it could not tell which came last.
     */
    static DateTimeType toTheMillisecond(java.time.Instant instant) {
        return new DateTimeType(Date.from(instant), TemporalPrecisionEnum.MILLI);
    }

    private static Meta meta(long version, java.time.Instant lastUpdated) {
        Meta meta = new Meta().setVersionId(Long.toString(version));
        if (lastUpdated != null) {
            meta.setLastUpdated(Date.from(lastUpdated));
        }
        return meta;
    }

    static String typeAndId(Resource resource) {
        return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }
}
