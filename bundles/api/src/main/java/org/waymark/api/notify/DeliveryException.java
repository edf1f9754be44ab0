package org.waymark.api.notify;

/**
 * A channel could not deliver. Permanent failures (the receiver refused the message) go to the dead-letter list at
 * once; others are retried with backoff.
 */
public class DeliveryException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean permanent;

    public DeliveryException(String message, boolean permanent) {
        super(message);
        this.permanent = permanent;
    }

    public DeliveryException(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }
}
