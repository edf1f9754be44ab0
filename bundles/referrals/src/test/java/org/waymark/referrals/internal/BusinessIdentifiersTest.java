package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.waymark.api.referral.BusinessIdentifier;

class BusinessIdentifiersTest {

    @Test
    void identifiersSurviveTheirColumnWhateverTheyHold() {
        List<BusinessIdentifier> identifiers = List.of(new BusinessIdentifier("https://sender.url/Id/case-number", "sender1234"),
                new BusinessIdentifier(null, "no system"), new BusinessIdentifier("", "empty system"),
                new BusinessIdentifier("a\tb\nc\\d", "\\0 not absent\t\n\\"));
        String encoded = BusinessIdentifiers.encode(identifiers);
        assertThat(encoded).doesNotContain("\t\t");
        assertThat(BusinessIdentifiers.decode(encoded)).isEqualTo(identifiers);
        assertThat(BusinessIdentifiers.encode(List.of())).isNull();
        assertThat(BusinessIdentifiers.decode(null)).isEmpty();
    }

    @Test
    void whatCannotBeKeptWholeIsRefused() {
        BusinessIdentifier one = new BusinessIdentifier("s", "v");
        BusinessIdentifiers.requireStorable(List.of(one, one, one, one, one));
        assertThatThrownBy(() -> BusinessIdentifiers.requireStorable(List.of(one, one, one, one, one, one))).hasMessageContaining("at most 5");
        assertThatThrownBy(() -> BusinessIdentifiers.requireStorable(List.of(new BusinessIdentifier("s".repeat(201), "v"))))
                .hasMessageContaining("at most 200");
        // Two hundred characters that each need escaping, five times: within the limits, too wide for the column.
        BusinessIdentifier escaped = new BusinessIdentifier("\t".repeat(200), "\n".repeat(199) + "x");
        assertThatThrownBy(() -> BusinessIdentifiers.requireStorable(List.of(escaped, escaped, escaped)))
                .hasMessageContaining("too long");
    }
}
