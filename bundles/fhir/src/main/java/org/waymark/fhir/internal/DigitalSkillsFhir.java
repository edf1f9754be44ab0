package org.waymark.fhir.internal;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MultivaluedMap;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Resource;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Page;
import org.waymark.api.security.Roles;
import org.waymark.api.skills.DigitalSkillsRecords;

/**
 * {@code /fhir/Questionnaire} (public: the published form) and {@code /fhir/QuestionnaireResponse} (the assessments,
 * within the caller's data scope), offered while the digital-skills capability is installed: the endpoints and their
 * lines in the CapabilityStatement appear with it and go with it.
 */
@Component(immediate = true)
public final class DigitalSkillsFhir {
    private final BundleContext context;
    private final Fhir fhir;
    private final FhirSettings settings;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private DigitalSkillsRecords records;

    @Activate
    public DigitalSkillsFhir(BundleContext context, @Reference Fhir fhir, @Reference FhirSettings settings) {
        this.context = context;
        this.fhir = fhir;
        this.settings = settings;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindRecords(DigitalSkillsRecords bound) {
        unregister();
        this.records = bound;
        // Method references bind after the constructor has run, so the bundle context is there.
        register();
    }

    synchronized void unbindRecords(DigitalSkillsRecords unbound) {
        if (this.records == unbound) {
            unregister();
            this.records = null;
        }
    }

    @Deactivate
    synchronized void deactivate() {
        unregister();
    }

    private void register() {
        registrations.add(context.registerService(new String[] {QuestionnaireEndpoint.class.getName(), FhirEndpoint.class.getName()},
                new QuestionnaireEndpoint(fhir, settings, records), properties()));
        registrations.add(context.registerService(new String[] {ResponseEndpoint.class.getName(), FhirEndpoint.class.getName()},
                new ResponseEndpoint(fhir, settings, records), properties()));
    }

    private void unregister() {
        registrations.forEach(r -> {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // The bundle is stopping and the framework unregistered it first.
            }
        });
        registrations.clear();
    }

    private static Dictionary<String, Object> properties() {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("osgi.jaxrs.resource", "true");
        properties.put("osgi.jaxrs.application.select", "(osgi.jaxrs.name=fhir)");
        return properties;
    }

    /** What both digital-skills endpoints share: read and search of one resource type from the skills records. */
    abstract static class ReadAndSearch implements FhirEndpoint {
        protected final Fhir fhir;
        protected final FhirResponder responder;
        protected final FhirSettings settings;
        protected final DigitalSkillsRecords records;
        private final String resourceType;
        private final Map<String, String> search;

        ReadAndSearch(String resourceType, Map<String, String> search, Fhir fhir, FhirSettings settings,
                      DigitalSkillsRecords records) {
            this.resourceType = resourceType;
            this.search = search;
            this.fhir = fhir;
            this.responder = new FhirResponder(fhir);
            this.settings = settings;
            this.records = records;
        }

        @Override
        public String resourceType() {
            return resourceType;
        }

        @Override
        public List<String> interactions() {
            return List.of("read", "search-type");
        }

        @Override
        public Map<String, String> searchParameters() {
            return search;
        }
    }

    /** The published Questionnaire. */
    @Path("/Questionnaire")
    @PermitAll
    public static final class QuestionnaireEndpoint extends ReadAndSearch {
        private static final Map<String, String> SEARCH = new LinkedHashMap<>();

        static {
            SEARCH.put("_id", "token");
            SEARCH.put("url", "uri");
            SEARCH.put("name", "string");
            SEARCH.put("status", "token");
        }

        QuestionnaireEndpoint(Fhir fhir, FhirSettings settings, DigitalSkillsRecords records) {
            super("Questionnaire", SEARCH, fhir, settings, records);
        }

        private Questionnaire questionnaire() {
            return fhir.parse(FhirFormat.JSON, records.questionnaire(), Questionnaire.class);
        }

        @GET
        @Path("/{id}")
        public Response read(@PathParam("id") String id, @Context HttpHeaders headers, @Context UriInfo uri) {
            if (!DigitalSkillsRecords.QUESTIONNAIRE_ID.equals(id)) {
                throw WaymarkException.notFound("Questionnaire/" + Messages.safe(id) + " is not known");
            }
            return responder.resource(FhirRequest.of(headers, uri, settings.baseUrl()), 200, questionnaire());
        }

        @GET
        public Response search(@Context HttpHeaders headers, @Context UriInfo uri) {
            FhirRequest request = FhirRequest.of(headers, uri, settings.baseUrl());
            MultivaluedMap<String, String> query = uri.getQueryParameters();
            Set<String> ignored = Searches.requireSupported(headers, query, SEARCH);
            Questionnaire q = questionnaire();
            boolean matches = matchesToken(query.getFirst("_id"), q.getIdElement().getIdPart())
                    && matches(query.getFirst("url"), q.getUrl())
                    && (query.getFirst("name") == null || q.getName().toLowerCase().startsWith(query.getFirst("name").toLowerCase()))
                    && matchesToken(query.getFirst("status"), q.getStatus().toCode());
            Searches.Paging paging = Searches.paging(query);
            List<Questionnaire> found = matches && paging.offset() == 0 && paging.count() > 0 ? List.of(q) : List.of();
            Page<Questionnaire> page = new Page<>(found, matches ? 1 : 0, paging.offset(), paging.count());
            return responder.resource(request, 200, Searches.searchset(request, "Questionnaire", page, r -> r, ignored));
        }

        /** A token given as a code alone; any of its comma-separated alternatives matches. */
        static boolean matchesToken(String wanted, String actual) {
            return wanted == null || TokenParam.alternatives(wanted).contains(actual);
        }

        private static boolean matches(String wanted, String actual) {
            if (wanted == null) {
                return true;
            }
            // A canonical URL may carry its version after a bar.
            return wanted.replaceFirst("\\|.*$", "").equals(actual);
        }
    }

    /** Assessments, read by the staff of the person's area and by the system that sent the referral. */
    @Path("/QuestionnaireResponse")
    @RolesAllowed({Roles.REFERRER, Roles.LINK_WORKER, Roles.ADMIN})
    public static final class ResponseEndpoint extends ReadAndSearch {
        private static final Map<String, String> SEARCH = new LinkedHashMap<>();

        static {
            SEARCH.put("subject", "reference");
            SEARCH.put("patient", "reference");
        }

        ResponseEndpoint(Fhir fhir, FhirSettings settings, DigitalSkillsRecords records) {
            super("QuestionnaireResponse", SEARCH, fhir, settings, records);
        }

        /** Assessments have versions (meta.versionId) and so a vread; the published Questionnaire has none. */
        @Override
        public List<String> interactions() {
            return List.of("read", "vread", "search-type");
        }

        @GET
        @Path("/{id}/_history/{vid}")
        public Response vread(@PathParam("id") String id, @PathParam("vid") String versionId, @Context HttpHeaders headers,
                              @Context UriInfo uri, @Context SecurityContext security) {
            return responder.resource(FhirRequest.of(headers, uri, settings.baseUrl()), 200,
                    VersionRead.current(assessment(security, id), versionId));
        }

        private QuestionnaireResponse assessment(SecurityContext security, String id) {
            String json = records.questionnaireResponse(Callers.of(security), id)
                    .orElseThrow(() -> WaymarkException.notFound("QuestionnaireResponse/" + Messages.safe(id) + " is not known"));
            return fhir.parse(FhirFormat.JSON, json, QuestionnaireResponse.class);
        }

        @GET
        @Path("/{id}")
        public Response read(@PathParam("id") String id, @Context HttpHeaders headers, @Context UriInfo uri,
                             @Context SecurityContext security) {
            return responder.resource(FhirRequest.of(headers, uri, settings.baseUrl()), 200, assessment(security, id));
        }

        @GET
        public Response search(@Context HttpHeaders headers, @Context UriInfo uri, @Context SecurityContext security) {
            FhirRequest request = FhirRequest.of(headers, uri, settings.baseUrl());
            MultivaluedMap<String, String> query = uri.getQueryParameters();
            Set<String> ignored = Searches.requireSupported(headers, query, SEARCH);
            String subject = Searches.referenceId("subject", query.getFirst("subject"), "Patient");
            String patient = Searches.referenceId("patient", query.getFirst("patient"), "Patient");
            String patientId = subject != null ? subject : patient;
            if (patientId == null) {
                throw WaymarkException.invalid("Search assessments by subject=Patient/{id} (or patient)");
            }
            Searches.Paging paging = Searches.paging(query);
            Page<String> page = records.questionnaireResponses(Callers.of(security), patientId, paging.offset(), paging.count());
            return responder.resource(request, 200, Searches.searchset(request, "QuestionnaireResponse", page,
                    json -> (Resource) fhir.parse(FhirFormat.JSON, json, QuestionnaireResponse.class), ignored));
        }
    }
}
