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
        ApplicationHandler handler = new ApplicationHandler(new ResourceConfig().property(ServerProperties.WADL_FEATURE_DISABLE, true)
                .register(new BodySizeLimitFilter(1024)).register(new ProblemExceptionMapper()).register(new JacksonJsonProvider())
                .register(Echo.class));
        ContainerRequest request = new ContainerRequest(URI.create("http://localhost/"), URI.create("http://localhost/echo"),
                "POST", null, new MapPropertiesDelegate(), handler.getConfiguration());
        request.getHeaders().putSingle("Content-Type", "text/plain");
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
