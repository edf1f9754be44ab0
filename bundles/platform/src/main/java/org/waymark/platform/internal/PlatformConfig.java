package org.waymark.platform.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the platform (PID org.waymark.platform); the distribution fills them from WAYMARK_* variables. */
@ObjectClassDefinition(name = "Waymark platform")
public @interface PlatformConfig {
    String PID = "org.waymark.platform";

    @AttributeDefinition(description = "Seed the demo users, client and referrals into an empty database")
    boolean demo() default false;

    @AttributeDefinition(description = "Folder watched for hot-deployed plugins; empty: leave fileinstall as configured")
    String deployDir() default "";

    @AttributeDefinition(description = "Capability features this node runs (WAYMARK_FEATURES), comma-separated; empty: waymark-core, everything")
    String features() default "";

    @AttributeDefinition(description = "Unix socket for the ./waymark admin commands; empty: none")
    String adminSocket() default "";

    @AttributeDefinition(description = "How often each node looks for due jobs, in milliseconds")
    long jobPollMillis() default 250;

    @AttributeDefinition(description = "Wait before the first retry of a failed job, in milliseconds; doubles with each attempt")
    long jobRetryBaseMillis() default 5000;

    @AttributeDefinition(description = "Longest wait between retries, in milliseconds")
    long jobRetryMaxMillis() default 3600000;

    @AttributeDefinition(description = "Attempts before a job goes to the dead-letter list")
    int jobMaxAttempts() default 10;

    @AttributeDefinition(description = "Time limit for one run of a job, in seconds; a job's lease lasts twice as long")
    int jobTimeLimitSeconds() default 60;

    @AttributeDefinition(description = "Jobs run at the same time on this node")
    int jobWorkers() default 4;

    @AttributeDefinition(description = "Days a finished job is kept (dead-lettered jobs are kept until replayed or deleted)")
    int jobKeepDoneDays() default 30;
}
