package org.waymark.digitalskills.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobHandler;
import org.waymark.api.jobs.PermanentJobFailure;

/** Runs the durable reminder job of a follow-up. */
@Component(service = JobHandler.class)
public final class FollowUpReminderJob implements JobHandler {
    private static final Logger LOG = LoggerFactory.getLogger(FollowUpReminderJob.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FollowUps followUps;

    @Activate
    public FollowUpReminderJob(@Reference FollowUps followUps) {
        this.followUps = followUps;
    }

    @Override
    public String type() {
        return FollowUps.JOB_TYPE;
    }

    @Override
    public void run(Job job) throws Exception {
        JsonNode payload;
        LocalDate dueOn;
        try {
            payload = JSON.readTree(job.payload());
            dueOn = LocalDate.parse(payload.path("dueOn").asText());
        } catch (Exception e) {
            throw new PermanentJobFailure("Unreadable follow-up reminder", e);
        }
        boolean sent = followUps.remind(payload.path("followUpId").asText(), dueOn);
        LOG.info("Follow-up reminder job {} (attempt {}): {}", job.id(), job.attempt(), sent ? "reminders written" : "nothing to remind");
    }
}
