package org.waymark.platform.internal.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.annotation.security.PermitAll;
import javax.ws.rs.Consumes;
import javax.ws.rs.FormParam;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.CacheControl;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;

/** The OAuth2 token endpoint (RFC 6749 §4.4, client credentials) for GP systems. */
@Component(service = TokenResource.class, property = {
        "osgi.jaxrs.resource=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=oauth2)"})
@Path("/token")
@PermitAll
public final class TokenResource {
    private final AccountStore accounts;
    private final TokenService tokens;
    private final AuditLog audit;

    @Activate
    public TokenResource(@Reference AccountStore accounts, @Reference TokenService tokens, @Reference AuditLog audit) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response token(@FormParam("grant_type") String grantType, @FormParam("client_id") String formClientId,
                          @FormParam("client_secret") String formSecret,
                          @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String clientId = formClientId;
        String secret = formSecret;
        boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        if (basic) {
            String[] credentials = Authenticator.decodeBasic(authorization.substring(6).strip());
            if (credentials == null) {
                return error(401, "invalid_client", "Malformed Basic credentials", true);
            }
            clientId = credentials[0];
            secret = credentials[1];
        }
        if (clientId == null || secret == null) {
            return error(401, "invalid_client", "Client authentication is required", basic);
        }
        Optional<Caller> client = accounts.verifyClient(clientId, secret);
        if (client.isEmpty()) {
            audit.record(new Caller(clientId, Caller.Kind.CLIENT, java.util.Set.of(), java.util.Set.of(), false),
                    AuditLog.Action.LOGIN_FAILED, "Client", clientId, null);
            return error(401, "invalid_client", "Unknown client or wrong secret", basic);
        }
        if (grantType == null) {
            return error(400, "invalid_request", "grant_type is required", false);
        }
        if (!grantType.equals("client_credentials")) {
            return error(400, "unsupported_grant_type", "Only client_credentials is supported", false);
        }
        TokenService.AccessToken token = tokens.issueAccessToken(client.get());
        audit.record(client.get(), AuditLog.Action.LOGIN, "Client", clientId, null);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token.value());
        body.put("token_type", "Bearer");
        body.put("expires_in", token.expiresInSeconds());
        return Response.ok(body).cacheControl(noStore()).header("Pragma", "no-cache").build();
    }

    private static Response error(int status, String code, String description, boolean basicChallenge) {
        Response.ResponseBuilder response = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", code, "error_description", description))
                .cacheControl(noStore());
        if (status == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, basicChallenge ? "Basic realm=\"waymark\"" : "Bearer realm=\"waymark\"");
        }
        return response.build();
    }

    private static CacheControl noStore() {
        CacheControl cache = new CacheControl();
        cache.setNoStore(true);
        return cache;
    }
}
