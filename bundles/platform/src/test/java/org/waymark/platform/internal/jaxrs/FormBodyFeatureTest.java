package org.waymark.platform.internal.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jaxrs.json.JacksonJsonProvider;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import javax.ws.rs.Consumes;
import javax.ws.rs.FormParam;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.core.MediaType;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.Test;

class FormBodyFeatureTest {

    @Path("/token")
    public static final class Token {
        @POST
        @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
        public String token(@FormParam("grant_type") String grantType) {
            return "grant " + grantType;
        }
    }

    @Path("/json")
    public static final class Json {
        @POST
        public String echo(String body) {
            return "read " + body.length();
        }
    }

    private static ContainerResponse post(String path, String contentType, String body) throws Exception {
        ApplicationHandler handler = new ApplicationHandler(new ResourceConfig().property(ServerProperties.WADL_FEATURE_DISABLE, true)
                .register(new FormBodyFeature()).register(new ProblemExceptionMapper()).register(new JacksonJsonProvider()).register(Token.class).register(Json.class));
        ContainerRequest request = new ContainerRequest(URI.create("http://localhost/"), URI.create("http://localhost/" + path),
                "POST", null, new MapPropertiesDelegate(), handler.getConfiguration());
        if (contentType != null) {
            request.getHeaders().putSingle("Content-Type", contentType);
        }
        if (body != null) {
            request.setEntityStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        }
        return handler.apply(request).get();
    }

    @Test
    void aFormRouteWithoutAContentTypeAnswers415InsteadOfFailing() throws Exception {
        ContainerResponse answer = post("token", null, null);

        assertThat(answer.getStatus()).isEqualTo(415);
        assertThat(answer.getMediaType().toString()).isEqualTo("application/problem+json");
        assertThat(answer.getEntity().toString()).as("the caller learns what to send").contains("application/x-www-form-urlencoded");
    }

    @Test
    void aFormRouteWithAnotherBodyAnswers415() throws Exception {
        assertThat(post("token", "text/plain", "grant_type=x").getStatus()).isEqualTo(415);
    }

    @Test
    void aFormBodyStillReachesTheRoute() throws Exception {
        ContainerResponse answer = post("token", "application/x-www-form-urlencoded; charset=UTF-8", "grant_type=client_credentials");

        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getEntity()).isEqualTo("grant client_credentials");
    }

    @Test
    void routesWithoutFormFieldsAreLeftAlone() throws Exception {
        assertThat(post("json", null, "{}").getStatus()).isEqualTo(200);
    }
}
