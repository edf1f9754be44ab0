package org.waymark.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.SQLException;
import org.glassfish.jersey.server.ParamException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.waymark.api.error.WaymarkException;
import org.waymark.platform.db.Jdbc;

class ErrorClassifierTest {

    @Test
    void callersMistakesKeepTheirStatusAndMessage() {
        ErrorClassifier.Classified c = ErrorClassifier.classify(new RuntimeException(WaymarkException.conflict("Already sent")));
        assertThat(c.status()).isEqualTo(409);
        assertThat(c.message()).isEqualTo("Already sent");
    }

    /** Found probing /api: {@code ?count=ten} was answered 404, as if the route were not there. */
    @Test
    void aQueryParameterOfTheWrongKindIsABadRequestNamingIt() {
        ErrorClassifier.Classified c = ErrorClassifier.classify(new ParamException.QueryParamException(
                new NumberFormatException("For input string: \"ten\""), "count", "20"));
        assertThat(c.status()).isEqualTo(400);
        assertThat(c.message()).contains("count").doesNotContain("NumberFormat").doesNotContain("ten");
    }

    @Test
    void aMethodNotAllowedKeepsTheMethodsTheRouteSupports() {
        javax.ws.rs.NotAllowedException notAllowed = new javax.ws.rs.NotAllowedException(
                javax.ws.rs.core.Response.status(405).allow("GET", "POST", "OPTIONS").build());
        assertThat(ErrorClassifier.classify(notAllowed).status()).isEqualTo(405);
        assertThat(ErrorClassifier.allow(notAllowed)).contains("GET").contains("POST").contains("OPTIONS");
        assertThat(ErrorClassifier.allow(new javax.ws.rs.NotFoundException())).isNull();
        assertThat(ErrorClassifier.allow(WaymarkException.invalid("no"))).isNull();
    }

    @Test
    void databaseTroubleIsATemporaryUnavailability() {
        ErrorClassifier.Classified c = ErrorClassifier.classify(new Jdbc.DatabaseUnavailableException(new SQLException("boom", "08006")));
        assertThat(c.status()).isEqualTo(503);
        assertThat(c.message()).doesNotContain("boom").doesNotContain("SQL");
        assertThat(ErrorClassifier.retryAfter(new RuntimeException(new Jdbc.DatabaseUnavailableException(new SQLException("boom", "08006")))))
                .as("a 503 for database trouble tells the sender when to retry").isEqualTo("2");
        assertThat(ErrorClassifier.retryAfter(new IllegalStateException("not the database"))).isNull();
    }

    /** Found by walking every route with hostile bodies: both were answered 500 with an "Unexpected failure" logged. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"score\": 1e309}", "{\"score\": 99999999999}", "DEEP"})
    void bodiesPastJacksonsLimitsAreTheCallersMistake(String body) {
        ObjectMapper mapper = new ObjectMapper();
        // A body read as a tree or a list (as several resources take it) is parsed to its depth before any binding.
        Throwable failure = body.equals("DEEP")
                ? catchThrowable(() -> mapper.readTree("[".repeat(1001) + "]".repeat(1001)))
                : catchThrowable(() -> mapper.readValue(body, Score.class));
        assertThat(failure).as("Jackson refuses the body").isNotNull();

        ErrorClassifier.Classified c = ErrorClassifier.classify(failure);
        assertThat(c.status()).isEqualTo(400);
        assertThat(c.message()).isEqualTo("The body is not valid JSON for this request");
    }

    record Score(int score) {
    }

    @Test
    void unexpectedFailuresRevealNoInternals() {
        ErrorClassifier.Classified c = ErrorClassifier.classify(new NullPointerException("secret.internal.Thing was null"));
        assertThat(c.status()).isEqualTo(500);
        assertThat(c.message()).doesNotContain("NullPointer").doesNotContain("secret.internal").contains("error id");
    }
}
