package org.waymark.fhir.internal;

import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.annotation.security.PermitAll;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Enumerations;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** The CapabilityStatement, built from the FHIR endpoints registered right now. Public, as FHIR clients expect. */
@Component(service = MetadataResource.class, property = {
        "osgi.jaxrs.resource=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=fhir)"})
@Path("/metadata")
@PermitAll
public final class MetadataResource {
    private final FhirResponder responder;
    private final FhirSettings settings;
    private final String version;
    private final List<FhirEndpoint> endpoints = new CopyOnWriteArrayList<>();

    @Activate
    public MetadataResource(BundleContext context, @Reference Fhir fhir, @Reference FhirSettings settings) {
        this.responder = new FhirResponder(fhir);
        this.settings = settings;
        this.version = context.getBundle().getVersion().toString();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addEndpoint(FhirEndpoint endpoint) {
        endpoints.add(endpoint);
    }

    void removeEndpoint(FhirEndpoint endpoint) {
        endpoints.remove(endpoint);
    }

    @GET
    public Response metadata(@Context HttpHeaders headers, @Context UriInfo uri) {
        FhirRequest request = FhirRequest.of(headers, uri, settings.baseUrl());
        return responder.resource(request, 200, capabilityStatement(request.baseUrl()));
    }

    CapabilityStatement capabilityStatement(String baseUrl) {
        CapabilityStatement statement = new CapabilityStatement();
        statement.setStatus(Enumerations.PublicationStatus.ACTIVE);
        statement.setDate(new Date());
        statement.setPublisher("Waymark");
        statement.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
        statement.getSoftware().setName("Waymark").setVersion(version);
        statement.getImplementation().setDescription("Waymark social prescribing referrals").setUrl(baseUrl);
        statement.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        statement.addFormat("application/fhir+json").addFormat("application/fhir+xml");
        CapabilityStatementRestComponent rest = statement.addRest().setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.getSecurity().addService(new CodeableConcept().setText("OAuth2 client credentials"))
                .setDescription("Get a bearer token from " + baseUrl.replaceAll("/fhir$", "") + "/oauth2/token");
        endpoints.stream().sorted(Comparator.comparing(FhirEndpoint::resourceType)).forEach(endpoint -> {
            endpoint.systemInteractions().forEach(code -> rest.addInteraction()
                    .setCode(CapabilityStatement.SystemRestfulInteraction.fromCode(code)));
            if (endpoint.interactions().isEmpty()) {
                // A system-level operation such as $process-message, not a resource type of its own.
                endpoint.operations().forEach(op -> rest.addOperation().setName(op)
                        .setDefinition("http://hl7.org/fhir/OperationDefinition/" + endpoint.resourceType() + "-" + op));
                return;
            }
            CapabilityStatementRestResourceComponent resource = rest.addResource().setType(endpoint.resourceType());
            endpoint.interactions().forEach(code -> resource.addInteraction().setCode(TypeRestfulInteraction.fromCode(code)));
            if (endpoint.conditionalCreate()) {
                resource.setConditionalCreate(true);
            }
            if (endpoint.conditionalRead()) {
                resource.setConditionalRead(CapabilityStatement.ConditionalReadStatus.NOTMATCH);
            }
            endpoint.searchParameters().forEach((name, type) -> resource.addSearchParam().setName(name)
                    .setType(Enumerations.SearchParamType.fromCode(type))
                    .setDocumentation(endpoint.searchParameterDocumentation().get(name)));
            new TreeSet<>(endpoint.searchIncludes()).forEach(resource::addSearchInclude);
            new TreeSet<>(endpoint.searchRevIncludes()).forEach(resource::addSearchRevInclude);
            endpoint.operations().forEach(op -> resource.addOperation().setName(op)
                    .setDefinition("http://hl7.org/fhir/OperationDefinition/MessageHeader-" + op));
        });
        return statement;
    }
}
