package org.waymark.directory.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.annotation.Priority;
import javax.ws.rs.HttpMethod;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.container.ContainerResponseFilter;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Component;

/**
 * Caching of the public Open Referral API's answers. Found probing: every answer carried {@code no-store} (the
 * platform's default, for personal data) and no validator, so an app polling the directory downloaded all of it each
 * time. The directory is public, non-personal data: each 200 answer to a GET gets a strong ETag (a digest of its bytes,
 * so the same answer has the same tag on every node and after a restart), an {@code If-None-Match} naming it is
 * answered 304 without a body, and it may be cached for a minute. Errors keep the platform's {@code no-store}.
 */
@Component(service = Caching.class, property = {
        "osgi.jaxrs.extension=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=directory)"})
@Priority(Priorities.HEADER_DECORATOR)
public final class Caching implements ContainerResponseFilter {
    /** A minute: an edit or an import shows everywhere within it, and a client revalidates cheaply after it. */
    static final String CACHE_CONTROL = "public, max-age=60";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        boolean read = HttpMethod.GET.equals(request.getMethod()) || HttpMethod.HEAD.equals(request.getMethod());
        if (!read || response.getStatus() != 200 || !(response.getEntity() instanceof JsonNode body)) {
            return;
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A directory answer could not be written as JSON", e);
        }
        String tag = tag(bytes);
        var headers = response.getHeaders();
        // Replaced whole, not through putSingle: the platform's no-store may already be there, in an unmodifiable list.
        headers.remove(HttpHeaders.ETAG);
        headers.add(HttpHeaders.ETAG, tag);
        headers.remove(HttpHeaders.CACHE_CONTROL);
        headers.add(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL);
        if (matches(request.getHeaderString(HttpHeaders.IF_NONE_MATCH), tag)) {
            response.setStatus(304);
            response.setEntity(null);
            headers.remove(HttpHeaders.CONTENT_TYPE);
        } else {
            // Written once: the bytes the tag was made from are the ones sent.
            response.setEntity(bytes, response.getEntityAnnotations(), MediaType.APPLICATION_JSON_TYPE);
        }
    }

    /** The quoted strong entity tag of an answer: the first 128 bits of its SHA-256, in hex. */
    static String tag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether an {@code If-None-Match} header names this tag (or is {@code *}): RFC 9110 compares weakly for it, so
     * {@code W/"x"} matches {@code "x"}; a list is comma separated.
     */
    static boolean matches(String ifNoneMatch, String tag) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String value = candidate.strip();
            if (value.equals("*")) {
                return true;
            }
            if (value.startsWith("W/")) {
                value = value.substring(2);
            }
            if (value.equals(tag)) {
                return true;
            }
        }
        return false;
    }
}
