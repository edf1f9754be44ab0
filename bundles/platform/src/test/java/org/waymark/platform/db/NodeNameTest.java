package org.waymark.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeNameTest {

    @Test
    void aNodeKeepsItsNameInItsDataFolderAcrossRestarts(@TempDir Path data) throws Exception {
        String first = NodeName.keptIn(data);
        assertThat(first).matches("node-[0-9a-f]{8}");
        assertThat(NodeName.keptIn(data)).isEqualTo(first);
        assertThat(Files.readString(data.resolve(NodeName.FILE_NAME)).strip()).isEqualTo(first);
    }

    @Test
    void twoDataFoldersAreTwoNodes(@TempDir Path one, @TempDir Path other) {
        assertThat(NodeName.keptIn(one)).isNotEqualTo(NodeName.keptIn(other));
    }

    @Test
    void aDamagedNameIsReplaced(@TempDir Path data) throws Exception {
        Files.writeString(data.resolve(NodeName.FILE_NAME), "not a node name");
        String replaced = NodeName.keptIn(data);
        assertThat(replaced).matches("node-[0-9a-f]{8}");
        assertThat(NodeName.keptIn(data)).isEqualTo(replaced);
    }

    @Test
    void everyBundleOfAProcessGetsOneName() {
        assertThat(NodeName.current()).matches("node-[0-9a-f]{8}").isEqualTo(NodeName.current());
        assertThat(NodeName.fresh()).isNotEqualTo(NodeName.fresh());
    }
}
