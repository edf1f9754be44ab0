package org.waymark.platform.internal.jaxrs;

import java.util.LinkedHashMap;
import java.util.Map;
import javax.ws.rs.core.Response;
import javax.ws.rs.ext.ExceptionMapper;
import org.waymark.platform.http.ErrorClassifier;

/** Every /api failure as RFC 9457 problem details. */
final class ProblemExceptionMapper implements ExceptionMapper<Throwable> {
    static final String PROBLEM_JSON = "application/problem+json";

    @Override
    public Response toResponse(Throwable error) {
        ErrorClassifier.Classified classified = ErrorClassifier.classify(error);
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", ErrorClassifier.reasonFor(classified.status()));
        problem.put("status", classified.status());
        problem.put("detail", classified.status() == 400 ? JsonFieldNames.explain(error).orElse(classified.message()) : classified.message());
        return Response.status(classified.status()).type(PROBLEM_JSON).entity(problem)
                .header("Retry-After", ErrorClassifier.retryAfter(error))
                .header("Allow", ErrorClassifier.allow(error)).build();
    }
}
