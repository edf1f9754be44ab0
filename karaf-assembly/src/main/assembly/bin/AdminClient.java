import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

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
            channel.connect(UnixDomainSocketAddress.of(args[0]));
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
}
