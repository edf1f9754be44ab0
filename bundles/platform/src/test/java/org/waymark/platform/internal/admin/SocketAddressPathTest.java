package org.waymark.platform.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketAddressPathTest {
    @TempDir
    Path folder;

    @Test
    void aShortPathIsUsedAsItIs() throws Exception {
        Path socket = folder.resolve("admin.sock");

        try (SocketAddressPath address = SocketAddressPath.of(socket)) {
            assertThat(address.address().getPath()).isEqualTo(socket.toAbsolutePath());
        }
    }

    @Test
    void aSocketDeeperThanAnAddressAllowsIsBoundAndReachedThroughAShortLinkThatIsRemovedAfterwards() throws Exception {
        Path deep = Files.createDirectories(folder.resolve("a-data-folder-deeper-than-a-unix-socket-address-allows")
                .resolve("because-the-clone-lives-in-a-deep-folder").resolve("waymark-data"));
        Path socket = deep.resolve("admin.sock");
        assertThat(SocketAddressPath.fits(socket)).as("the test needs a path over %d bytes", SocketAddressPath.MAX_BYTES).isFalse();

        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            Path serverLink;
            try (SocketAddressPath address = SocketAddressPath.of(socket)) {
                server.bind(address.address());
                serverLink = address.address().getPath();
                assertThat(SocketAddressPath.fits(serverLink)).isTrue();
            }
            assertThat(serverLink.getParent().getParent()).as("the link and its folder are removed once bound").doesNotExist();
            assertThat(Files.exists(socket)).as("the socket itself is at the real, deep path").isTrue();

            Path clientLink;
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
                 SocketAddressPath address = SocketAddressPath.of(socket)) {
                client.connect(address.address());
                clientLink = address.address().getPath();
                client.write(ByteBuffer.wrap(new byte[] {42}));
                try (SocketChannel accepted = server.accept()) {
                    ByteBuffer received = ByteBuffer.allocate(1);
                    accepted.read(received);
                    assertThat(received.get(0)).isEqualTo((byte) 42);
                }
            }
            assertThat(clientLink.getParent().getParent()).as("the client's link folder is removed too").doesNotExist();
        }
    }
}
