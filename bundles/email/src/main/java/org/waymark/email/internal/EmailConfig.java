package org.waymark.email.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** SMTP settings (PID org.waymark.email); the distribution fills them from WAYMARK_SMTP_* variables. */
@ObjectClassDefinition(name = "Waymark email channel")
public @interface EmailConfig {
    String PID = "org.waymark.email";

    @AttributeDefinition(description = "SMTP server; empty turns the email channel off")
    String host() default "";

    int port() default 25;

    @AttributeDefinition(description = "Sender address of every message")
    String from() default "waymark@localhost";

    @AttributeDefinition(description = "SMTP user name; empty for no authentication")
    String username() default "";

    @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(description = "Require STARTTLS before sending (as NHSmail and most relays do)")
    boolean startTls() default false;

    @AttributeDefinition(description = "Connect and read time-out in milliseconds")
    int timeoutMillis() default 10000;
}
