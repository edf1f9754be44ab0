package org.waymark.referrals.internal.governance;

import org.waymark.platform.db.DatabaseThreads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.admin.AdminCommand;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobHandler;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.security.Caller;

/**
 * Retention of closed referrals: a durable job once a day ({@code governance.retention}, keyed by the date so it runs
 * once a day across restarts and nodes) and {@code ./waymark retention --dry-run|--apply [--as-of DATE]}. The rules
 * come from {@code WAYMARK_RETENTION_CLOSED_YEARS} and {@code WAYMARK_RETENTION_AREA_YEARS}, read on every run.
 */
@Component(service = {JobHandler.class, AdminCommand.class, Retention.class})
public final class Retention implements JobHandler, AdminCommand {
    static final String JOB = "governance.retention";
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final PersonalData data;
    private final JobScheduler jobs;
    private final Clock clock;
    private final UnaryOperator<String> environment;
    private final ScheduledExecutorService daily;

    @Activate
    public Retention(@Reference PersonalData data, @Reference JobScheduler jobs) {
        this(data, jobs, Clock.systemUTC(), System::getenv);
        daily.scheduleAtFixedRate(this::scheduleToday, 0, 1, TimeUnit.HOURS);
    }

    Retention(PersonalData data, JobScheduler jobs, Clock clock, UnaryOperator<String> environment) {
        this.data = data;
        this.jobs = jobs;
        this.clock = clock;
        this.environment = environment;
        this.daily = DatabaseThreads.scheduler("waymark-retention-daily");
    }

    @Deactivate
    void deactivate() {
        DatabaseThreads.stop(daily, Duration.ofSeconds(2));
    }

    private void scheduleToday() {
        try {
            jobs.schedule(new JobRequest(JOB, "retention-" + LocalDate.now(clock), "", null, 0));
        } catch (RuntimeException e) {
            LOG.warn("Could not schedule today's retention run: {}", e.toString());
        }
    }

    RetentionRules rules() {
        return RetentionRules.parse(environment.apply("WAYMARK_RETENTION_CLOSED_YEARS"), environment.apply("WAYMARK_RETENTION_AREA_YEARS"));
    }

    @Override
    public String type() {
        return JOB;
    }

    @Override
    public void run(Job job) {
        PersonalData.RetentionReport report = data.retention(rules(), clock.instant(), true, Caller.system("retention"));
        if (!report.failures().isEmpty()) {
            // Retried with backoff; what was erased stays erased, the failed persons are tried again.
            throw new IllegalStateException(report.failures().size() + " person(s) could not be erased");
        }
    }

    @Override
    public String name() {
        return "retention";
    }

    @Override
    public String usage() {
        return "retention --dry-run|--apply [--as-of YYYY-MM-DD]\n"
                + "    closed referrals past their retention period (WAYMARK_RETENTION_CLOSED_YEARS, default "
                + RetentionRules.DEFAULT_YEARS + "; WAYMARK_RETENTION_AREA_YEARS=area=years,...): --dry-run counts them,\n"
                + "    --apply erases them with everything held about them (and the person when no referral is left).\n"
                + "    --as-of evaluates the rules as on that day (to preview a future run). A daily job runs --apply.";
    }

    @Override
    public String run(List<String> arguments) {
        Boolean apply = null;
        Instant asOf = clock.instant();
        for (int i = 0; i < arguments.size(); i++) {
            switch (arguments.get(i)) {
                case "--dry-run" -> apply = apply == null ? Boolean.FALSE : fail();
                case "--apply" -> apply = apply == null ? Boolean.TRUE : fail();
                case "--as-of" -> {
                    if (i + 1 >= arguments.size()) {
                        fail();
                    }
                    asOf = day(arguments.get(++i));
                }
                default -> fail();
            }
        }
        if (apply == null) {
            fail();
        }
        if (apply && asOf.isAfter(clock.instant())) {
            // A future day would erase records before their time: only a dry run may look ahead.
            throw WaymarkException.invalid("--apply erases what is due today; --as-of a future day is for --dry-run only");
        }
        return data.retention(rules(), asOf, apply, Caller.system("operator")).text();
    }

    private Boolean fail() {
        throw WaymarkException.invalid("Usage: " + usage());
    }

    private static Instant day(String text) {
        try {
            return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw WaymarkException.invalid("--as-of needs a date such as 2034-01-31");
        }
    }
}
