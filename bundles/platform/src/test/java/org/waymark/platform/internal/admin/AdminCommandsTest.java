package org.waymark.platform.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.waymark.api.security.SenderIdentities;

class AdminCommandsTest {

    @Test
    void aClientsSendersAreShownWithWhatTheyMeanForIt() {
        assertThat(AdminCommands.describeSenders("gp-a", false, new SenderIdentities.Registered(
                Set.of("https://gp-a.example/bars"), Set.of("A81001"))))
                .contains("endpoints: https://gp-a.example/bars", "ODS codes: A81001").doesNotContain("cannot send");
        assertThat(AdminCommands.describeSenders("gp-new", false, SenderIdentities.Registered.none()))
                .contains("endpoints: none", "./waymark client-senders gp-new --endpoint URL");
        assertThat(AdminCommands.describeSenders("demo-gp", true, SenderIdentities.Registered.none()))
                .contains("any sender").doesNotContain("cannot send");
    }
}
