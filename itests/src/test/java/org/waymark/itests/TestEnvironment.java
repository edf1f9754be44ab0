package org.waymark.itests;

import java.io.IOException;
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
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The test plugin jar (itests/test-plugin), built by the reactor before the itests. */
    static java.nio.file.Path testPlugin() {
        java.nio.file.Path jar = java.nio.file.Path.of(requiredProperty("waymark.testPlugin"));
        if (!java.nio.file.Files.isRegularFile(jar)) {
            throw new IllegalStateException("No test plugin jar at " + jar + ": build itests/test-plugin first");
        }
        return jar;
    }
}
