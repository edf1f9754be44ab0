package org.waymark.referrals.internal;

import java.sql.Connection;
import java.util.List;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;

/** Records what intake scheduled; a test then runs the job itself, as the runner would. */
final class RecordingScheduler implements JobScheduler {
    final List<JobRequest> scheduled = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public String schedule(Connection transaction, JobRequest request) {
        scheduled.add(request);
        return "job-" + scheduled.size();
    }

    @Override
    public String schedule(JobRequest request) {
        return schedule(null, request);
    }

    @Override
    public boolean cancel(Connection transaction, String type, String key) {
        return scheduled.removeIf(r -> r.type().equals(type) && r.key().equals(key));
    }
}
