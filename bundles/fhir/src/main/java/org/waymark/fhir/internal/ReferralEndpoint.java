package org.waymark.fhir.internal;

import java.util.List;
import java.util.Map;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.UriInfo;
import org.waymark.api.referral.ReferralService;

/** What the FHIR endpoints over referrals share: the referral service, the answer encoding and the base URL. */
abstract class ReferralEndpoint implements FhirEndpoint {
    protected final ReferralService referrals;
    protected final FhirResponder responder;
    private final FhirSettings settings;
    private final String resourceType;
    private final List<String> interactions;
    private final Map<String, String> searchParameters;

    ReferralEndpoint(Fhir fhir, ReferralService referrals, FhirSettings settings, String resourceType,
                     List<String> interactions, Map<String, String> searchParameters) {
        this.referrals = referrals;
        this.settings = settings;
        this.responder = new FhirResponder(fhir);
        this.resourceType = resourceType;
        this.interactions = List.copyOf(interactions);
        this.searchParameters = searchParameters;
    }

    @Override
    public final String resourceType() {
        return resourceType;
    }

    @Override
    public final List<String> interactions() {
        return interactions;
    }

    @Override
    public final Map<String, String> searchParameters() {
        return searchParameters;
    }

    protected final FhirRequest request(HttpHeaders headers, UriInfo uri) {
        return FhirRequest.of(headers, uri, settings.baseUrl());
    }
}
