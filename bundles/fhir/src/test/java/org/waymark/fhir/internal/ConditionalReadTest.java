package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

class ConditionalReadTest {
    private static Task taskAtVersion(String version) {
        Task task = new Task();
        task.getMeta().setVersionId(version);
        return task;
    }

    @Test
    void theCurrentVersionInAnyFormOfItsTagIsUnchanged() {
        Task task = taskAtVersion("3");
        assertThat(ConditionalRead.unchanged(List.of("W/\"3\""), task)).isTrue();
        assertThat(ConditionalRead.unchanged(List.of("\"3\""), task)).as("a strong tag compares weakly").isTrue();
        assertThat(ConditionalRead.unchanged(List.of("W/\"1\", W/\"3\""), task)).as("one of a list").isTrue();
        assertThat(ConditionalRead.unchanged(List.of("W/\"2\"", "*"), task)).as("any version").isTrue();
    }

    @Test
    void anotherVersionNoHeaderOrNoVersionIsARead() {
        assertThat(ConditionalRead.unchanged(List.of("W/\"2\""), taskAtVersion("3"))).isFalse();
        assertThat(ConditionalRead.unchanged(List.of("W/\"3.1\""), taskAtVersion("3"))).as("an onward referral's change").isFalse();
        assertThat(ConditionalRead.unchanged(List.of(), taskAtVersion("3"))).isFalse();
        assertThat(ConditionalRead.unchanged(null, taskAtVersion("3"))).isFalse();
        assertThat(ConditionalRead.unchanged(List.of("*"), new Task())).as("nothing to compare with").isFalse();
    }
}
