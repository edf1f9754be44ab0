package org.waymark.referrals.internal.governance;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.osgi.framework.Bundle;
import org.waymark.api.plugin.PluginApproval;
import org.waymark.api.governance.PersonalDataContributor;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;

/** Builds the governance services for tests in other packages, as SCR would, with a clock the test controls. */
public final class GovernanceAccess {
    private final PersonalData data;

    private GovernanceAccess(PersonalData data) {
        this.data = data;
    }

    public static GovernanceAccess create(DataSource db, ReferralService referrals, AuditLog audit, Clock clock,
                                          List<PersonalDataContributor> contributors) {
        PersonalData data = new PersonalData(db, referrals, audit, clock, approvals(bundle -> false));
        contributors.forEach(data::addContributor);
        return new GovernanceAccess(data);
    }

    /**
     * Plugin approvals as the platform would give them: {@code usable} decides for a bundle (a contributor registered
     * without one, as the core's and these tests' are, is always usable).
     */
    public static PluginApproval approvals(Predicate<Bundle> usable) {
        return new PluginApproval() {
            @Override
            public boolean usable(Bundle bundle) {
                return bundle == null || usable.test(bundle);
            }

            @Override
            public Registration onApproval(Runnable listener) {
                return () -> { };
            }
        };
    }

    /** The service itself, for services built on it (a merge moves every contributor's rows through it). */
    public PersonalData personalData() {
        return data;
    }

    public static RetentionRules rules(String years, String perArea) {
        return RetentionRules.parse(years, perArea);
    }

    public PersonalData.RetentionReport retention(RetentionRules rules, Instant asOf, boolean apply, Caller caller) {
        return data.retention(rules, asOf, apply, caller);
    }

    public Map<String, Object> export(Caller caller, String patientId) {
        return data.export(caller, patientId);
    }
}
