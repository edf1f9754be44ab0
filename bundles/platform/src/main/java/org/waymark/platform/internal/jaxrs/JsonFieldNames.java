package org.waymark.platform.internal.jaxrs;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Names the field of a request body that could not be read, by its JSON path: "not valid JSON" for {"birthDate": 7000}
 * left the caller to guess which of a dozen fields was meant. Jackson's own message is never passed on: it names
 * Java types.
 */
final class JsonFieldNames {
    private JsonFieldNames() {
    }

    /** Jackson's words for a {@link org.waymark.platform.http.RequiredField} the body left out. */
    private static final Pattern MISSING = Pattern.compile("^Missing required creator property '([^']*)'");

    static Optional<String> explain(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof PropertyBindingException unknown) {
                return Optional.of("The body has a field this request does not take: " + path(unknown));
            }
            if (t instanceof MismatchedInputException mismatched) {
                Matcher missing = MISSING.matcher(String.valueOf(mismatched.getOriginalMessage()));
                if (missing.find()) {
                    return Optional.of("The body must have the field " + shortened(missing.group(1)));
                }
            }
            if (t instanceof MismatchedInputException mismatched && !mismatched.getPath().isEmpty()) {
                return Optional.of("The body's field " + path(mismatched) + " has a value of the wrong type or form");
            }
        }
        return Optional.empty();
    }

    /** At most 100 characters: the names come from the caller's body. */
    private static String path(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return shortened(path);
    }

    private static String shortened(String path) {
        return path.length() <= 100 ? path : path.substring(0, 100) + "...";
    }
}
