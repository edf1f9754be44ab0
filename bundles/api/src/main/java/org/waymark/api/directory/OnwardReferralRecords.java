package org.waymark.api.directory;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Onward referrals to directory services, for capabilities that show them without knowing how the directory stores
 * them (the FHIR endpoints serve each one as a sub-Task of its referral's Task). Registered by the directory while it
 * is installed; users reference it optionally and dynamically, since an area may run without a directory.
 * <p>
 * These reads apply no caller scope and record no audit entry: an onward referral is part of its referral's record.
 * Read the referral through {@code ReferralService} for the caller first (it checks the caller's scope and audits the
 * read), and show only the onward referrals of a referral the caller was allowed to read.
 *
 * @since 1.1
 */
@ProviderType
public interface OnwardReferralRecords {

    Optional<OnwardReferral> find(String id);

    /** The onward referrals made from a referral, oldest first. */
    List<OnwardReferral> ofReferral(String referralId);
}
