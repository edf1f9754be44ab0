package org.waymark.platform.internal.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {

    @Test
    void aNodeKeepsItsNameInItsDataFolderAcrossRestarts(@TempDir Path data) throws Exception {
        String first = NodeIdentity.of(data);
        assertThat(first).matches("node-[0-9a-f]{8}");
        assertThat(NodeIdentity.of(data)).isEqualTo(first);
        assertThat(Files.readString(data.resolve(NodeIdentity.FILE_NAME)).strip()).isEqualTo(first);
    }

    @Test
    void twoDataFoldersAreTwoNodes(@TempDir Path one, @TempDir Path other) {
        assertThat(NodeIdentity.of(one)).isNotEqualTo(NodeIdentity.of(other));
    }

    @Test
    void aDamagedNameIsReplacedAndWithoutAFolderEachStartIsANewNode(@TempDir Path data) throws Exception {
        Files.writeString(data.resolve(NodeIdentity.FILE_NAME), "not a node name");
        String replaced = NodeIdentity.of(data);
        assertThat(replaced).matches("node-[0-9a-f]{8}");
        assertThat(NodeIdentity.of(data)).isEqualTo(replaced);
        assertThat(NodeIdentity.of(null)).isNotEqualTo(NodeIdentity.of(null));
    }
}
