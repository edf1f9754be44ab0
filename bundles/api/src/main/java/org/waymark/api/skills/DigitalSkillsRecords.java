package org.waymark.api.skills;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;
import org.waymark.api.referral.Page;
import org.waymark.api.security.Caller;

/**
 * The Essential Digital Skills questionnaire that Waymark publishes and the assessments answered with it, as FHIR R4
 * JSON, so that the FHIR endpoints can serve them without knowing how they are stored. Reads of assessments apply the
 * caller's data scope (staff of the person's area) and are audited here.
 */
@ProviderType
public interface DigitalSkillsRecords {

    /** The logical id of the published Questionnaire. */
    String QUESTIONNAIRE_ID = "essential-digital-skills";

    /** The Questionnaire resource, FHIR R4 JSON. */
    String questionnaire();

    /** One assessment as a QuestionnaireResponse, if it exists and the caller may see it. */
    Optional<String> questionnaireResponse(Caller caller, String id);

    /** The assessments of a person (a local patient id) the caller may see, oldest first, as QuestionnaireResponses. */
    Page<String> questionnaireResponses(Caller caller, String patientId, int offset, int count);
}
