package org.waymark.platform.http;

import java.util.UUID;
import javax.ws.rs.WebApplicationException;
import org.glassfish.jersey.server.ParamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.error.WaymarkException;
import org.waymark.platform.db.Jdbc;

/**
 * Turns any failure into an HTTP status and a message that is safe to show: the caller's own mistakes are explained,
 * anything else is logged with an id and answered without internals (no stack traces, no class names).
 */
public final class ErrorClassifier {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorClassifier.class);

    public record Classified(int status, String message) {
    }

    private ErrorClassifier() {
    }

    public static Classified classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof WaymarkException w) {
                return new Classified(w.kind().status(), w.getMessage());
            }
            if (t instanceof Jdbc.DatabaseUnavailableException) {
                LOG.warn("Database error: {}", t.getMessage());
                return new Classified(503, "The service is temporarily unavailable; please retry");
            }
            if (isJsonSyntax(t)) {
                return new Classified(400, "The body is not valid JSON for this request");
            }
        }
        if (error instanceof ParamException.QueryParamException query) {
            // Jersey's own answer is a 404, as if the route were not there; the route is, its query is wrong.
            return new Classified(400, "The query parameter " + query.getParameterName() + " has a value of the wrong kind"
                    + " (a number, a date or one of its listed values is expected)");
        }
        if (error instanceof WebApplicationException w) {
            int status = w.getResponse().getStatus();
            return new Classified(status, reasonFor(status));
        }
        String id = UUID.randomUUID().toString();
        LOG.error("Unexpected failure, error id {}", id, error);
        return new Classified(500, "Something went wrong on our side (error id " + id + ")");
    }

    /**
     * Jackson's exceptions for bad input (not for failures to write an answer, which are ours): any failure to read
     * the stream (syntax, a number too big for its field), a document past the reading limits (nesting deeper than
     * 1,000), and a value of the wrong shape for its field.
     */
    private static final java.util.Set<String> JSON_INPUT_ERRORS = java.util.Set.of(
            "com.fasterxml.jackson.core.exc.StreamReadException",
            "com.fasterxml.jackson.core.exc.StreamConstraintsException",
            "com.fasterxml.jackson.databind.exc.MismatchedInputException",
            "com.fasterxml.jackson.databind.exc.PropertyBindingException");

    private static boolean isJsonSyntax(Throwable t) {
        // Checked by name so that this package does not tie every user to Jackson.
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (JSON_INPUT_ERRORS.contains(c.getName())) {
                return true;
            }
        }
        return false;
    }

    /** Seconds a client should wait before retrying after database trouble: long enough for a pool to reconnect. */
    static final String DATABASE_RETRY_AFTER_SECONDS = "2";

    /**
     * The Retry-After header for an answer, or null: a refusal (a sign-in lockout, 429) carries its own, and database
     * trouble always carries one, because a 503 without it leaves a sender's retry policy guessing (seen in FaultIT,
     * where a request met the pool while the database was still starting). Mappers copy it onto their answer.
     */
    public static String retryAfter(Throwable error) {
        if (error instanceof WebApplicationException w && w.getResponse() != null) {
            String given = w.getResponse().getHeaderString("Retry-After");
            if (given != null) {
                return given;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof WaymarkException) {
                return null;
            }
            if (t instanceof Jdbc.DatabaseUnavailableException) {
                return DATABASE_RETRY_AFTER_SECONDS;
            }
        }
        return null;
    }

    /**
     * The Allow header for an answer, or null: a 405 must list the methods the route supports (RFC 9110 15.5.6), and
     * Jersey names them on the exception it throws, so mappers that build their own answer copy them from there.
     */
    public static String allow(Throwable error) {
        if (error instanceof WebApplicationException w && w.getResponse() != null
                && w.getResponse().getStatus() == 405) {
            return w.getResponse().getHeaderString("Allow");
        }
        return null;
    }

    public static String reasonFor(int status) {
        return switch (status) {
            case 400 -> "The request is not valid";
            case 401 -> "Authentication is required";
            case 403 -> "You are not allowed to do this";
            case 404 -> "Nothing is found at this address";
            case 405 -> "This method is not allowed here";
            case 406 -> "None of the accepted media types can be produced";
            case 409 -> "The request conflicts with the current state";
            case 412 -> "The record has changed since you read it";
            case 413 -> "The request body is too large";
            case 415 -> "This content type is not supported here";
            case 422 -> "The request cannot be processed";
            case 429 -> "Too many failed attempts; try again later";
            case 503 -> "The service is temporarily unavailable";
            default -> status >= 500 ? "Something went wrong on our side" : "The request failed";
        };
    }
}
