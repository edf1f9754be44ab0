package org.waymark.platform.internal.security;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Security settings (PID org.waymark.security); the distribution fills them from WAYMARK_* variables. */
@ObjectClassDefinition(name = "Waymark security")
public @interface SecurityConfig {
    String PID = "org.waymark.security";

    @AttributeDefinition(description = "Failed sign-ins of one user or client, within the window, that lock it")
    int lockoutFailures() default 5;

    @AttributeDefinition(description = "Failed sign-ins from one remote address, within the window, that lock the address")
    int lockoutAddressFailures() default 100;

    @AttributeDefinition(description = "Window in which failures are counted, in seconds")
    int lockoutWindowSeconds() default 900;

    @AttributeDefinition(description = "How long a locked user, client or address is refused, in seconds")
    int lockoutSeconds() default 900;

    @AttributeDefinition(description = "Send Strict-Transport-Security (only behind TLS)")
    boolean hsts() default false;

    @AttributeDefinition(description = "max-age of Strict-Transport-Security, in seconds")
    long hstsMaxAgeSeconds() default 31536000;

    @AttributeDefinition(description = "Roles (comma-separated) that must sign in to the console with two factors (TOTP)")
    String twoFactorRoles() default "admin";

    @AttributeDefinition(description = "Name shown in the authenticator app next to the user name")
    String twoFactorIssuer() default "Waymark";

    @AttributeDefinition(description = "Public base URL (the platform's baseUrl); the token endpoint's audience is derived from it")
    String baseUrl() default "";
}
