package org.waymark.platform.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The name of this node wherever nodes sharing one database mark what is theirs (job leases, directory import runs).
 * It is kept in the node's own data folder, so a node that crashed and starts again is the same node: it can take back
 * at once what it held when it died instead of leaving it until a lease or heartbeat runs out. A name kept in a file
 * rather than derived from the host survives containers whose host name changes at each start; a data folder copied to
 * another node must therefore leave this file behind. Without a data folder (unit tests) each process is a new node.
 */
public final class NodeName {
    public static final String FILE_NAME = "waymark-node-id";
    private static final Pattern VALID = Pattern.compile("node-[0-9a-f]{8}");
    private static final String WITHOUT_DATA_FOLDER = fresh();
    private static String current;

    private NodeName() {
    }

    /**
     * This node's name, from the Karaf data folder ({@code karaf.data}). The same for every bundle asking: the job
     * runner and the directory start in parallel, and two names made at once would be two nodes.
     */
    public static synchronized String current() {
        if (current == null) {
            String data = System.getProperty("karaf.data");
            current = data == null || data.isBlank() ? WITHOUT_DATA_FOLDER : keptIn(Path.of(data));
        }
        return current;
    }

    /** The name kept in {@code dataFolder}, made and kept there on first use. */
    static String keptIn(Path dataFolder) {
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

    static String fresh() {
        return "node-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
