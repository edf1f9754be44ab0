package org.waymark.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.platform.db.Jdbc;

class ErrorClassifierTest {

    @Test
    void callersMistakesKeepTheirStatusAndMessage() {
        ErrorClassifier.Classified c = ErrorClassifier.classify(new RuntimeException(WaymarkException.conflict("Already sent")));
        assertThat(c.status()).isEqualTo(409);
        assertThat(c.message()).isEqualTo("Already sent");
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

    @Test
    void unexpectedFailuresRevealNoInternals() {
        ErrorClassifier.Classified c = ErrorClassifier.classify(new NullPointerException("secret.internal.Thing was null"));
        assertThat(c.status()).isEqualTo(500);
        assertThat(c.message()).doesNotContain("NullPointer").doesNotContain("secret.internal").contains("error id");
    }
}
