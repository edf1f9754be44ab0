package org.waymark.platform.internal.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The name a node leases jobs under. It is kept in the node's own data folder, so a node that crashed and starts again
 * is the same node: on a database shared by several nodes it can take back at once the jobs it held when it died,
 * instead of leaving them until their leases run out (twice the job time limit, two minutes by default). A node
 * without a data folder (a unit test) gets a new name each time.
 */
final class NodeIdentity {
    static final String FILE_NAME = "waymark-node-id";
    private static final Pattern VALID = Pattern.compile("node-[0-9a-f]{8}");

    private NodeIdentity() {
    }

    /** The name kept in {@code dataFolder}, made and kept there on first use; a new one when there is no folder. */
    static String of(Path dataFolder) {
        if (dataFolder == null) {
            return fresh();
        }
        Path file = dataFolder.resolve(FILE_NAME);
        try {
            if (Files.isRegularFile(file)) {
                String kept = Files.readString(file, StandardCharsets.US_ASCII).strip();
                if (VALID.matcher(kept).matches()) {
                    return kept;
                }
            }
            String made = fresh();
            Files.createDirectories(dataFolder);
            Files.writeString(file, made + "\n", StandardCharsets.US_ASCII);
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the node's name in " + file, e);
        }
    }

    private static String fresh() {
        return "node-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
