package org.waymark.api.error;

/**
 * A failure that the caller caused or can act on. Each HTTP surface maps these to its own error format
 * (OperationOutcome on FHIR, problem+json on /api); their messages are written to be shown to the caller and must
 * never contain personal data or internal details.
 */
public class WaymarkException extends RuntimeException {
    private final Kind kind;

    public enum Kind {
        INVALID(400), UNAUTHENTICATED(401), FORBIDDEN(403), NOT_FOUND(404), NOT_ACCEPTABLE(406), CONFLICT(409), PRECONDITION_FAILED(412),
        TOO_LARGE(413), UNSUPPORTED_MEDIA_TYPE(415), UNPROCESSABLE(422), UNAVAILABLE(503);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public WaymarkException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static WaymarkException invalid(String message) {
        return new WaymarkException(Kind.INVALID, message);
    }

    public static WaymarkException notFound(String message) {
        return new WaymarkException(Kind.NOT_FOUND, message);
    }

    public static WaymarkException forbidden(String message) {
        return new WaymarkException(Kind.FORBIDDEN, message);
    }

    public static WaymarkException conflict(String message) {
        return new WaymarkException(Kind.CONFLICT, message);
    }

    public static WaymarkException unprocessable(String message) {
        return new WaymarkException(Kind.UNPROCESSABLE, message);
    }
}
