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

    @Test
    void anOperatorIsToldWhenAnAreaIsNewSoThatATypingMistakeShows() {
        Set<String> known = Set.of("sheffield", "islington");
        assertThat(AdminCommands.newAreas(Set.of("sheffeild"), known, "disable the account"))
                .contains("no other user or client is in area sheffeild", "areas so far: islington, sheffield");
        assertThat(AdminCommands.newAreas(Set.of("sheffield"), known, "disable the account")).isEmpty();
        assertThat(AdminCommands.newAreas(Set.of("sheffield", "leeds", "bradford"), known, "disable the account"))
                .contains("areas bradford, leeds (");
        assertThat(AdminCommands.newAreas(Set.of("sheffield"), Set.of(), "disable the account")).as("the deployment's first account").isEmpty();
    }
}
