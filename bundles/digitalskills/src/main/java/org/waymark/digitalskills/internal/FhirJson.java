package org.waymark.digitalskills.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import org.waymark.api.skills.DigitalSkillsRecords;

/** The published Questionnaire and the QuestionnaireResponses answered with it, as FHIR R4 JSON. */
final class FhirJson {
    static final String CANONICAL_BASE = "https://fhir.waymark.org.uk";
    static final String QUESTIONNAIRE_URL = CANONICAL_BASE + "/Questionnaire/" + DigitalSkillsRecords.QUESTIONNAIRE_ID;
    static final String ANSWER_SYSTEM = CANONICAL_BASE + "/CodeSystem/digital-skills-answer";
    static final ObjectMapper MAPPER = new ObjectMapper();

    private FhirJson() {
    }

    static ObjectNode questionnaire() {
        ObjectNode q = MAPPER.createObjectNode();
        q.put("resourceType", "Questionnaire");
        q.put("id", DigitalSkillsRecords.QUESTIONNAIRE_ID);
        q.put("url", QUESTIONNAIRE_URL);
        q.put("version", Framework.VERSION);
        q.put("name", "EssentialDigitalSkills");
        q.put("title", "Essential digital skills: what I can do online");
        q.put("status", "active");
        q.putArray("subjectType").add("Patient");
        q.put("publisher", "Waymark");
        q.put("description", "Plain-English \"I can...\" statements for the foundation skills and the five skill areas of the UK"
                + " Essential Digital Skills framework (communicating; handling information and content; transacting;"
                + " problem solving; being safe and legal online). Each is answered yes (on my own), help (with some help)"
                + " or not-yet; an area's score is the share of the most it could score, from 0 to 100.");
        q.put("copyright", "Statements worded by Waymark after the Essential Digital Skills framework (Department for"
                + " Education, Open Government Licence v3.0).");
        ArrayNode items = q.putArray("item");
        for (Framework.SkillArea area : Framework.AREAS) {
            ObjectNode group = items.addObject();
            group.put("linkId", area.code());
            group.put("text", area.title());
            group.put("type", "group");
            group.put("required", true);
            ArrayNode questions = group.putArray("item");
            for (Framework.Statement statement : area.statements()) {
                ObjectNode question = questions.addObject();
                question.put("linkId", statement.code());
                question.put("text", statement.text());
                question.put("type", "choice");
                question.put("required", true);
                ArrayNode options = question.putArray("answerOption");
                for (Framework.Answer answer : Framework.Answer.values()) {
                    options.addObject().set("valueCoding", coding(answer));
                }
            }
        }
        return q;
    }

    /**
     * A QuestionnaireResponse for answers already validated by {@link Framework#score(Map)}.
     *
     * @param author "Practitioner/..." is not used: a worker is named by display only; a self-assessment's author and
     *               source are the patient
     */
    static ObjectNode response(String id, String patientId, String referralId, boolean self, String workerName,
                               Instant authored, Map<String, String> answers) {
        ObjectNode r = MAPPER.createObjectNode();
        r.put("resourceType", "QuestionnaireResponse");
        r.put("id", id);
        r.putObject("meta").put("versionId", "1").put("lastUpdated", authored.toString());
        r.put("questionnaire", QUESTIONNAIRE_URL + "|" + Framework.VERSION);
        r.put("status", "completed");
        r.putObject("subject").put("reference", "Patient/" + patientId);
        r.putArray("basedOn").addObject().put("reference", "ServiceRequest/" + referralId);
        r.put("authored", authored.toString());
        if (self) {
            r.putObject("author").put("reference", "Patient/" + patientId);
            r.putObject("source").put("reference", "Patient/" + patientId);
        } else {
            r.putObject("author").put("display", workerName);
            r.putObject("source").put("reference", "Patient/" + patientId);
        }
        ArrayNode items = r.putArray("item");
        for (Framework.SkillArea area : Framework.AREAS) {
            ObjectNode group = items.addObject();
            group.put("linkId", area.code());
            group.put("text", area.title());
            ArrayNode questions = group.putArray("item");
            for (Framework.Statement statement : area.statements()) {
                ObjectNode question = questions.addObject();
                question.put("linkId", statement.code());
                question.put("text", statement.text());
                Framework.Answer answer = Framework.Answer.of(answers.get(statement.code())).orElseThrow();
                question.putArray("answer").addObject().set("valueCoding", coding(answer));
            }
        }
        return r;
    }

    private static ObjectNode coding(Framework.Answer answer) {
        ObjectNode coding = MAPPER.createObjectNode();
        coding.put("system", ANSWER_SYSTEM);
        coding.put("code", answer.code);
        coding.put("display", answer.label);
        return coding;
    }
}
