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
}
