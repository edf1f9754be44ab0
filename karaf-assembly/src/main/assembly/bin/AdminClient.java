import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sends one admin command to a running Waymark through its admin socket and prints the answer.
 * Usage: java AdminClient.java SOCKET WORD... ; exits with the server's status (0 done, 2 refused, 1 failed).
 * Run as a single-file program by ./waymark, so it needs nothing but a JDK.
 */
public class AdminClient {
    public static void main(String[] args) throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (int i = 1; i < args.length; i++) {
            json.append(i > 1 ? "," : "").append('"');
            for (char c : args[i].toCharArray()) {
                if (c == '"' || c == '\\') {
                    json.append('\\').append(c);
                } else if (c < 0x20) {
                    json.append(String.format("\\u%04x", (int) c));
                } else {
                    json.append(c);
                }
            }
            json.append('"');
        }
        json.append("]\n");
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            connect(channel, Path.of(args[0]).toAbsolutePath());
            var out = Channels.newOutputStream(channel);
            out.write(json.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            int status = Integer.parseInt(in.readLine().strip());
            String line;
            while ((line = in.readLine()) != null) {
                (status == 0 ? System.out : System.err).println(line);
            }
            System.exit(status);
        }
    }

    /**
     * A socket path longer than the 107 bytes Linux allows in an address is reached through a short link to its
     * folder, in a new folder of our own (0700) under the runtime or temporary directory, as the server binds it.
     */
    private static void connect(SocketChannel channel, Path socket) throws IOException {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length <= 107) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return;
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        Path root = Path.of(runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime)) ? runtime : "/tmp");
        Path linkFolder = Files.createTempDirectory(root, "wm");
        Path link = linkFolder.resolve("d");
        try {
            Files.createSymbolicLink(link, socket.getParent());
            channel.connect(UnixDomainSocketAddress.of(link.resolve(socket.getFileName())));
        } finally {
            Files.deleteIfExists(link);
            Files.deleteIfExists(linkFolder);
        }
    }
}
