package org.waymark.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** What every kind of integration test asks of its surroundings: settings from the pom and free ports. */
final class TestEnvironment {
    private TestEnvironment() {
    }

    static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + name + " is not set (run through mvn verify)");
        }
        return value;
    }

    /** Everything a test starts listens on a free loopback port, so parallel runs and other servers never collide. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test plugin jar (itests/test-plugin), built by the reactor before the itests. */
    static java.nio.file.Path testPlugin() {
        return built("waymark.testPlugin", "itests/test-plugin");
    }

    /** The Sheffield example plugin's .kar (bundles/pathfinder-sheffield). */
    static java.nio.file.Path sheffieldKar() {
        return built("waymark.sheffieldKar", "bundles/pathfinder-sheffield");
    }

    /** The Islington example plugin's .kar (bundles/pathfinder-islington). */
    static java.nio.file.Path islingtonKar() {
        return built("waymark.islingtonKar", "bundles/pathfinder-islington");
    }

    private static java.nio.file.Path built(String property, String module) {
        java.nio.file.Path file = java.nio.file.Path.of(requiredProperty(property));
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new IllegalStateException("Nothing at " + file + ": build " + module + " first");
        }
        return file;
    }
}
