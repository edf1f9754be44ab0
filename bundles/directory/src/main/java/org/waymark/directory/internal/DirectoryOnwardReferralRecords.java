package org.waymark.directory.internal;

import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.directory.OnwardReferral;
import org.waymark.api.directory.OnwardReferralRecords;

/** The directory's onward referrals as the API shows them to other capabilities (the FHIR sub-Tasks). */
@Component(service = OnwardReferralRecords.class)
public final class DirectoryOnwardReferralRecords implements OnwardReferralRecords {
    private final OnwardReferrals onward;
    private final Directory directory;

    @Activate
    public DirectoryOnwardReferralRecords(@Reference OnwardReferrals onward, @Reference Directory directory) {
        this.onward = onward;
        this.directory = directory;
    }

    @Override
    public Optional<OnwardReferral> find(String id) {
        return onward.find(id).map(r -> toApi(directory.catalog(), r));
    }

    @Override
    public List<OnwardReferral> ofReferral(String referralId) {
        Catalog catalog = directory.catalog();
        return onward.ofReferral(referralId).stream().map(r -> toApi(catalog, r)).toList();
    }

    static OnwardReferral toApi(Catalog catalog, OnwardReferrals.OnwardReferral r) {
        OnwardReferral.Answer answer = OnwardReferral.Answer.fromCode(r.status())
                .orElseThrow(() -> new IllegalStateException("Onward referral " + r.id() + " has an unknown status"));
        return new OnwardReferral(r.id(), r.referralId(), r.partOfTaskId(), r.serviceId(), r.serviceName(),
                organizationName(catalog, r.serviceId()), answer, r.statusReason(), r.createdAt(), r.answeredAt(), r.version(),
                r.answeredAt() == null ? r.createdAt() : r.answeredAt());
    }

    private static String organizationName(Catalog catalog, String serviceId) {
        return catalog.get(Kind.SERVICE, serviceId)
                .map(service -> service.path("organization_id").asText(null))
                .flatMap(organizationId -> catalog.get(Kind.ORGANIZATION, organizationId))
                .map(organization -> organization.path("name").asText(null))
                .filter(name -> name != null && !name.isBlank())
                .orElse(null);
    }
}
