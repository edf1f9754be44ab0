package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.directory.testing.OrukSchemas;

/** Sync from a remote Open Referral UK API, served here by a local test server from the UK profile's examples. */
class RemoteSyncTest {
    private static final Path EXAMPLES = OrukSchemas.FIXTURES.resolve("open-referral-uk/uk-profile/examples");
    private static final String EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b";
    private final AtomicInteger listRequests = new AtomicInteger();
    private HttpServer remote;
    private String base;
    private volatile String serviceBody;

    @BeforeEach
    void remoteApi() throws Exception {
        serviceBody = Files.readString(EXAMPLES.resolve("service_full.json"));
        remote = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        remote.createContext("/oruk/", exchange -> {
            String path = exchange.getRequestURI().getPath().substring("/oruk".length());
            String body = null;
            if (path.equals("/services")) {
                listRequests.incrementAndGet();
                body = Files.readString(EXAMPLES.resolve("service_list.json"));
            } else if (path.equals("/services/" + EXAMPLE_SERVICE)) {
                body = serviceBody;
            } else if (path.equals("/taxonomies")) {
                body = Files.readString(EXAMPLES.resolve("taxonomy_list.json"));
            }
            byte[] bytes = body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        remote.start();
        base = "http://127.0.0.1:" + remote.getAddress().getPort() + "/oruk/";
    }

    @AfterEach
    void stop() {
        remote.stop(0);
    }

    @Test
    void everyListedServiceIsCopiedFullyNestedWithTheTaxonomies() throws Exception {
        Directory directory = TestDirectory.create();

        Directory.ImportReport report = new RemoteSync(directory).sync(base, "test");

        assertThat(report.errors()).isEmpty();
        assertThat(report.applied()).isTrue();
        // The example list says 10 pages: all are read, and the one service in them is fetched once.
        assertThat(listRequests.get()).isEqualTo(10);
        Catalog catalog = directory.catalog();
        assertThat(catalog.get(Kind.SERVICE, EXAMPLE_SERVICE)).isPresent();
        assertThat(catalog.locationsOf(EXAMPLE_SERVICE)).isNotEmpty();
        assertThat(catalog.count(Kind.TAXONOMY)).isGreaterThan(0);
    }

    @Test
    void aBrokenRemoteRecordAppliesNothing() throws Exception {
        serviceBody = serviceBody.replace("\"status\": \"active\"", "\"status\": \"waitlist\"");
        Directory directory = TestDirectory.create();

        Directory.ImportReport report = new RemoteSync(directory).sync(base, "test");

        assertThat(report.applied()).isFalse();
        assertThat(report.errors()).singleElement().asString().contains("services/" + EXAMPLE_SERVICE).contains("status 'waitlist'");
        assertThat(directory.catalog().count(Kind.SERVICE)).isZero();
    }

    @Test
    void anUnreachableOrWrongUrlIsTheCallersMistake() throws Exception {
        RemoteSync sync = new RemoteSync(TestDirectory.create());

        assertThatThrownBy(() -> sync.run(List.of("ftp://example.org"))).isInstanceOf(WaymarkException.class);
        assertThatThrownBy(() -> sync.run(List.of(base + "nothing-here"))).hasMessageContaining("no /services");
    }
}
