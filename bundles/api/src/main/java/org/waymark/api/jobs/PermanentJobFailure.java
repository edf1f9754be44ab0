package org.waymark.api.jobs;

/** A failure that retrying cannot fix (a rejected message, no way to reach the recipient): dead-letter at once. */
public class PermanentJobFailure extends Exception {
    private static final long serialVersionUID = 1L;

    public PermanentJobFailure(String message) {
        super(message);
    }

    public PermanentJobFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
