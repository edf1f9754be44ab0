package org.waymark.platform.internal.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jaxrs.json.JacksonJsonProvider;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import javax.ws.rs.Consumes;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.core.MediaType;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.waymark.platform.http.OptionalBody;
import org.waymark.platform.http.RequiredField;

/** Found probing /api: an empty PUT of a care plan erased its text, an empty POST of an assignee unassigned. */
class JsonBodyFeatureTest {
    public record Plan(@RequiredField String whatMatters, String note) {
    }

    public record Approval(String version) {
    }

    @Path("/")
    public static final class Routes {
        @PUT
        @Path("plan/{id}")
        @Consumes(MediaType.APPLICATION_JSON)
        public String save(@PathParam("id") String id, Plan plan) {
            return "saved " + plan.whatMatters();
        }

        @POST
        @Path("approval")
        @Consumes(MediaType.APPLICATION_JSON)
        public String approve(@OptionalBody Approval approval) {
            return approval == null ? "every version" : "version " + approval.version();
        }

        @POST
        @Path("bytes")
        public String bytes(byte[] sent) {
            return "read " + sent.length;
        }
    }

    private static ContainerResponse send(String method, String path, String contentType, String body) throws Exception {
        ApplicationHandler handler = new ApplicationHandler(new ResourceConfig().property(ServerProperties.WADL_FEATURE_DISABLE, true)
                .register(new JsonBodyFeature()).register(new ProblemExceptionMapper())
                .register(new JacksonJsonProvider(JaxRsHost.objectMapper())).register(Routes.class));
        ContainerRequest request = new ContainerRequest(URI.create("http://localhost/"), URI.create("http://localhost/" + path),
                method, null, new MapPropertiesDelegate(), handler.getConfiguration());
        if (contentType != null) {
            request.getHeaders().putSingle("Content-Type", contentType);
        }
        if (body != null) {
            request.setEntityStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        }
        return handler.apply(request).get();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "null", " null\n"})
    void anEmptyOrNullJsonBodyIsRefusedNotTakenAsNothingToKeep(String body) throws Exception {
        ContainerResponse answer = send("PUT", "plan/1", MediaType.APPLICATION_JSON, body);

        assertThat(answer.getStatus()).isEqualTo(400);
        assertThat(answer.getMediaType().toString()).isEqualTo("application/problem+json");
        assertThat(answer.getEntity().toString()).contains("A JSON body is required");
    }

    @Test
    void noBodyAndNoContentTypeIsRefusedToo() throws Exception {
        ContainerResponse answer = send("PUT", "plan/1", null, null);

        assertThat(answer.getStatus()).isEqualTo(400);
        assertThat(answer.getEntity().toString()).contains("A JSON body is required");
    }

    /** Found by SecurityIT's route walk: OPTIONS of a route with a JSON body answered 400 "A JSON body is required". */
    @Test
    void optionsOfARouteThatTakesABodyNeedsNone() throws Exception {
        ContainerResponse answer = send("OPTIONS", "plan/1", null, null);

        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getHeaderString("Allow")).contains("PUT");
    }

    @Test
    void aRequiredFieldLeftOutIsRefusedByName() throws Exception {
        ContainerResponse answer = send("PUT", "plan/1", MediaType.APPLICATION_JSON, "{\"note\": \"x\"}");

        assertThat(answer.getStatus()).isEqualTo(400);
        assertThat(answer.getEntity().toString()).contains("The body must have the field whatMatters");
    }

    @Test
    void clearingTakesAnExplicitNull() throws Exception {
        assertThat(send("PUT", "plan/1", MediaType.APPLICATION_JSON, "{\"whatMatters\": null}").getEntity()).isEqualTo("saved null");
        assertThat(send("PUT", "plan/1", MediaType.APPLICATION_JSON, "{\"whatMatters\": \"Walking\"}").getEntity())
                .isEqualTo("saved Walking");
    }

    @Test
    void aBodyMarkedOptionalMayBeLeftOut() throws Exception {
        assertThat(send("POST", "approval", null, null).getEntity()).isEqualTo("every version");
        assertThat(send("POST", "approval", MediaType.APPLICATION_JSON, "").getEntity()).isEqualTo("every version");
        assertThat(send("POST", "approval", MediaType.APPLICATION_JSON, "{\"version\": \"1.0.0\"}").getEntity())
                .isEqualTo("version 1.0.0");
    }

    @Test
    void aBodyReadAsBytesIsLeftToItsMethod() throws Exception {
        ContainerResponse answer = send("POST", "bytes", "application/fhir+json", null);

        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getEntity()).isEqualTo("read 0");
    }
}
