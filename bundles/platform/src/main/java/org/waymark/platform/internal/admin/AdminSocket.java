package org.waymark.platform.internal.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.error.WaymarkException;
import org.waymark.platform.internal.PlatformConfig;

/**
 * A Unix domain socket in the data directory through which {@code ./waymark create-user} and friends reach the
 * running server. Only the operating-system user that owns the data directory can open it (mode 0600), which is the
 * same trust as editing the database files directly; SSH stays off.
 * Protocol: one JSON array of words per connection; the answer is an exit code line followed by the output.
 */
@Component(immediate = true, configurationPid = PlatformConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class AdminSocket {
    private static final Logger LOG = LoggerFactory.getLogger(AdminSocket.class);
    private final BundleContext context;
    private final AdminCommands commands;
    private final ObjectMapper json = new ObjectMapper();
    private final Path path;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    /** The connection being served, closed at deactivation so a client that sends nothing does not hold the thread. */
    private volatile SocketChannel serving;

    @Activate
    public AdminSocket(BundleContext context, PlatformConfig config, @Reference AdminCommands commands) throws IOException {
        this.context = context;
        this.commands = commands;
        if (config.adminSocket().isBlank()) {
            this.path = null;
            this.server = null;
            this.acceptor = null;
            return;
        }
        this.path = Path.of(config.adminSocket()).toAbsolutePath();
        Files.createDirectories(path.getParent());
        Files.deleteIfExists(path);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        // A data folder deeper than a socket address allows is bound through a short link (AdminClient does the same).
        try (SocketAddressPath address = SocketAddressPath.of(path)) {
            server.bind(address.address());
        } catch (IOException e) {
            server.close();
            throw new IOException("Cannot open the admin socket " + path + ": " + e.getMessage(), e);
        }
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        this.acceptor = new Thread(this::accept, "waymark-admin-socket");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @Deactivate
    void deactivate() throws IOException {
        if (server != null) {
            // Closing wakes the acceptor; an interrupt would not be safe: a command it runs may be in Derby's file I/O
            // (see DatabaseThreads). A command already running finishes and its answer goes nowhere.
            server.close();
            SocketChannel client = serving;
            if (client != null) {
                client.close();
            }
            Files.deleteIfExists(path);
        }
    }

    private void accept() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                serving = client;
                serve(client);
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.warn("Admin socket connection failed: {}", e.getMessage());
                }
            }
        }
    }

    /** Stops the whole server cleanly, as Ctrl-C would; used when ./waymark started it for one command. */
    private String shutdown() {
        Thread stopper = new Thread(() -> {
            try {
                context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).stop();
            } catch (BundleException e) {
                LOG.error("Could not stop the server", e);
            }
        }, "waymark-admin-shutdown");
        stopper.start();
        return "stopping";
    }

    private void serve(SocketChannel client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
        Writer out = new OutputStreamWriter(Channels.newOutputStream(client), StandardCharsets.UTF_8);
        String line = in.readLine();
        int exit;
        String output;
        try {
            List<String> words = json.readValue(line == null ? "[]" : line, new TypeReference<List<String>>() { });
            output = switch (words.isEmpty() ? "" : words.get(0)) {
                case "--ping" -> "pong";
                case "--shutdown" -> shutdown();
                default -> commands.run(words);
            };
            exit = 0;
        } catch (WaymarkException e) {
            output = e.getMessage();
            exit = 2;
        } catch (RuntimeException | IOException e) {
            LOG.error("Admin command failed", e);
            output = "The command failed; see the server log";
            exit = 1;
        }
        out.write(exit + "\n" + output + "\n");
        out.flush();
    }
}
