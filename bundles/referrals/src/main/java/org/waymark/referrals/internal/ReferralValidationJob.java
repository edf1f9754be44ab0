package org.waymark.referrals.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobHandler;
import org.waymark.api.validation.ProfileValidator;

/**
 * Runs the {@code referral.validate} jobs that intake schedules. Registered only while a {@link ProfileValidator} is
 * there (a mandatory reference): without one the job runner has no handler for the type and leaves its jobs pending,
 * instead of spending their tries while the validation feature is starting or being updated.
 */
@Component(service = JobHandler.class)
public final class ReferralValidationJob implements JobHandler {
    private final ReferralValidation validation;
    private final ProfileValidator validator;

    @Activate
    public ReferralValidationJob(@Reference ReferralValidation validation, @Reference ProfileValidator validator) {
        this.validation = validation;
        this.validator = validator;
    }

    @Override
    public String type() {
        return ReferralValidation.JOB_TYPE;
    }

    @Override
    public void run(Job job) {
        validation.check(job, validator);
    }

    /**
     * One validation at a time on a node: a burst of intake then uses at most one core for validation, the backlog
     * waits as pending jobs, and the other job types keep the other workers.
     */
    @Override
    public int maxConcurrentRuns() {
        return 1;
    }
}
