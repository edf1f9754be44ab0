package org.waymark.fhir.internal;

import org.hl7.fhir.r4.model.Resource;
import org.waymark.api.error.WaymarkException;

/**
 * FHIR's vread ({@code GET /fhir/{type}/{id}/_history/{vid}}) as far as Waymark can answer it: every create and
 * transaction answer names the version in its Location ({@code .../_history/1}), as FHIR asks, so that address must
 * read. Waymark keeps the current version of each resource only (the referral's own history is kept as audit and
 * status records, not as FHIR versions), so the current version is served and any other is not known.
 */
final class VersionRead {
    private VersionRead() {
    }

    /**
     * @param resource the current version, already read with the caller's scope checked and the read audited
     * @return the resource, when {@code versionId} is its version
     */
    static <T extends Resource> T current(T resource, String versionId) {
        String current = resource.hasMeta() ? resource.getMeta().getVersionId() : null;
        if (current != null && current.equals(versionId.strip())) {
            return resource;
        }
        throw WaymarkException.notFound(ReferralMapping.typeAndId(resource) + "/_history/" + Messages.safe(versionId)
                + " is not known: Waymark keeps only the current version of a resource"
                + (current == null ? "" : " (version " + current + ")"));
    }
}
