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

    @AttributeDefinition(description = "Unix socket for the ./waymark admin commands; empty: none")
    String adminSocket() default "";
}
