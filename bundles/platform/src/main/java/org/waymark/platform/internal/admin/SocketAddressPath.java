package org.waymark.platform.internal.admin;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The address under which to bind (or reach) a Unix socket whose real path may be longer than the 107 bytes Linux
 * allows in a socket address. A deep path is reached through a symbolic link to its folder, made in a new folder of
 * our own (mode 0700, so nobody else can swap the link) under the runtime or temporary directory; the socket itself is
 * still created, with its permissions, at the real path. Close it to remove the link once bound or connected.
 */
final class SocketAddressPath implements AutoCloseable {
    /** Linux's sun_path holds 108 bytes including the terminating NUL. */
    static final int MAX_BYTES = 107;

    private final UnixDomainSocketAddress address;
    private final Path linkFolder;

    private SocketAddressPath(UnixDomainSocketAddress address, Path linkFolder) {
        this.address = address;
        this.linkFolder = linkFolder;
    }

    static SocketAddressPath of(Path socket) throws IOException {
        Path absolute = socket.toAbsolutePath();
        if (fits(absolute)) {
            return new SocketAddressPath(UnixDomainSocketAddress.of(absolute), null);
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        // Not java.io.tmpdir: Karaf points it into its data folder, which is as deep as the socket.
        Path root = Path.of(runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime)) ? runtime : "/tmp");
        Path linkFolder = Files.createTempDirectory(root, "wm");
        try {
            Path link = Files.createSymbolicLink(linkFolder.resolve("d"), absolute.getParent());
            Path shortPath = link.resolve(absolute.getFileName());
            if (!fits(shortPath)) {
                throw new IOException("The socket " + absolute + " cannot be reached through a path of at most "
                        + MAX_BYTES + " bytes (tried " + shortPath + ")");
            }
            return new SocketAddressPath(UnixDomainSocketAddress.of(shortPath), linkFolder);
        } catch (IOException | RuntimeException e) {
            removeLink(linkFolder);
            throw e;
        }
    }

    static boolean fits(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }

    UnixDomainSocketAddress address() {
        return address;
    }

    @Override
    public void close() throws IOException {
        if (linkFolder != null) {
            removeLink(linkFolder);
        }
    }

    private static void removeLink(Path linkFolder) throws IOException {
        Files.deleteIfExists(linkFolder.resolve("d"));
        Files.deleteIfExists(linkFolder);
    }
}
