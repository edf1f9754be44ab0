package org.waymark.api.referral;

import java.util.Collection;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Which areas people belong to through their referrals, for bundles that keep records about people in tables of their
 * own (the platform's audit trail) and must scope them by area without reading the referrals' tables. Answers hold ids
 * and area names only; the caller applies its own access rule and audits what it shows.
 *
 * @since 1.7
 */
@ProviderType
public interface PatientAreas {

    /** Every area that holds at least one referral. */
    Set<String> referralAreas();

    /**
     * Of the given local patient ids, those who have a referral in one of the areas. An id merged since into another
     * record counts as that record (records written before a merge keep the id they were written with).
     *
     * @return a subset of {@code patientIds}; empty when either argument is empty
     */
    Set<String> withReferralIn(Set<String> areas, Collection<String> patientIds);
}
