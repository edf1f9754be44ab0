package org.waymark.pathfinder.islington.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The SMS gateway Islington sends text messages through (PID
 * {@code org.waymark.pathfinder.islington.internal.SmsChannel}); empty values fall back to the environment variables
 * {@code WAYMARK_ISLINGTON_SMS_URL} and {@code WAYMARK_ISLINGTON_SMS_KEY}. Without a gateway the channel reaches
 * nobody, and the core uses the next channel.
 */
@ObjectClassDefinition(name = "Islington pathfinder: SMS gateway")
public @interface SmsConfig {

    @AttributeDefinition(description = "HTTPS URL that takes a JSON message {to, text, reference}")
    String gatewayUrl() default "";

    @AttributeDefinition(description = "Bearer key for the gateway", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String apiKey() default "";
}
