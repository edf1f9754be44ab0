package org.waymark.platform.internal.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jaxrs.json.JacksonJsonProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.Test;

class BodySizeLimitFilterTest {

    @Path("/echo")
    public static final class Echo {
        @POST
        public String echo(String body) {
            return "read " + body.length();
        }
    }

    private static ContainerResponse post(InputStream body) throws Exception {
        return postWithLength(body, -1);
    }

    private static ContainerResponse postWithLength(InputStream body, long contentLength) throws Exception {
        ApplicationHandler handler = new ApplicationHandler(new ResourceConfig().property(ServerProperties.WADL_FEATURE_DISABLE, true)
                .register(new BodySizeLimitFilter(1024)).register(new ProblemExceptionMapper()).register(new JacksonJsonProvider())
                .register(Echo.class));
        ContainerRequest request = new ContainerRequest(URI.create("http://localhost/"), URI.create("http://localhost/echo"),
                "POST", null, new MapPropertiesDelegate(), handler.getConfiguration());
        request.getHeaders().putSingle("Content-Type", "text/plain");
        if (contentLength >= 0) {
            request.getHeaders().putSingle("Content-Length", Long.toString(contentLength));
        }
        request.setEntityStream(body);
        return handler.apply(request).get();
    }

    private static InputStream text(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** What Jetty's stream does when the client closes mid-body (or its chunks never come: an idle timeout). */
    private static InputStream failing() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("Early EOF"); // Jetty's EofException is one
            }
        };
    }

    @Test
    void aBodyWithinTheLimitIsRead() throws Exception {
        ContainerResponse answer = post(text("hello"));
        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getEntity()).isEqualTo("read 5");
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        assertThat(post(text("x".repeat(2048))).getStatus()).isEqualTo(413);
    }

    /** A body that counts how much of it was read. */
    private static final class Counted extends ByteArrayInputStream {
        Counted(int length) {
            super(new byte[length]);
        }

        int consumed() {
            return pos;
        }
    }

    /**
     * The rest of a refused body is read before the answer (up to four times the limit), so that the client, still
     * sending, is not reset and receives its 413; with a Content-Length and streamed alike.
     */
    @Test
    void aRefusedBodyIsReadToItsEndSoThatTheClientGetsTheAnswer() throws Exception {
        Counted announced = new Counted(3000);
        assertThat(postWithLength(announced, 3000).getStatus()).isEqualTo(413);
        assertThat(announced.consumed()).isEqualTo(3000);

        Counted streamed = new Counted(3000);
        assertThat(post(streamed).getStatus()).isEqualTo(413);
        assertThat(streamed.consumed()).isEqualTo(3000);
    }

    @Test
    void aBodyFarOverTheLimitIsNotReadToItsEnd() throws Exception {
        Counted announced = new Counted(100_000);
        assertThat(postWithLength(announced, 100_000).getStatus()).isEqualTo(413);
        assertThat(announced.consumed()).isZero();

        Counted streamed = new Counted(100_000);
        assertThat(post(streamed).getStatus()).isEqualTo(413);
        assertThat(streamed.consumed()).isLessThanOrEqualTo(4 * 1024 + 8192);
    }

    @Test
    void aBodyTheClientStopsSendingHalfWayIsTheCallers400() throws Exception {
        ContainerResponse answer = post(new SequenceInputStream(text("{\"half\":"), failing()));

        assertThat(answer.getStatus()).isEqualTo(400);
        assertThat(answer.getMediaType().toString()).isEqualTo("application/problem+json");
    }

    @Test
    void aBodyThatNeverStartsIsTheCallers400() throws Exception {
        assertThat(post(failing()).getStatus()).isEqualTo(400);
    }
}
