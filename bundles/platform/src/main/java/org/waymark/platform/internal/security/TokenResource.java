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
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.core.CacheControl;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.UriInfo;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;

/**
 * The OAuth2 token endpoint (RFC 6749 §4.4, client credentials) for GP systems. Clients authenticate with their
 * secret (form or HTTP Basic) or with a signed JWT (RFC 7523 {@code private_key_jwt}). Repeated failures lock the
 * client id, and the remote address, for a period (429 with Retry-After).
 */
@Component(service = TokenResource.class, configurationPid = {"org.waymark.platform", SecurityConfig.PID},
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = {
        "osgi.jaxrs.resource=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=oauth2)"})
@Path("/token")
@PermitAll
public final class TokenResource {
    private final ClientAccounts clients;
    private final TokenService tokens;
    private final AuditLog audit;
    private final LoginGuard guard;
    private final ClientAssertions assertions;
    private final String configuredAudience;

    @Activate
    public TokenResource(SecurityConfig config, @Reference ClientAccounts clients, @Reference TokenService tokens,
                         @Reference AuditLog audit, @Reference LoginGuard guard, @Reference ClientAssertions assertions) {
        this.clients = clients;
        this.tokens = tokens;
        this.audit = audit;
        this.guard = guard;
        this.assertions = assertions;
        String base = config.baseUrl() == null ? "" : config.baseUrl().strip().replaceAll("/+$", "");
        this.configuredAudience = base.isEmpty() ? null : base + "/oauth2/token";
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response token(@FormParam("grant_type") String grantType, @FormParam("client_id") String formClientId,
                          @FormParam("client_secret") String formSecret,
                          @FormParam("client_assertion_type") String assertionType,
                          @FormParam("client_assertion") String assertion,
                          @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                          @Context ContainerRequestContext request, @Context UriInfo uri) {
        String clientId = formClientId;
        String secret = formSecret;
        boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        boolean signed = assertionType != null || assertion != null;
        if (signed && (basic || secret != null)) {
            return error(400, "invalid_request", "Use one client authentication method: a secret or a client assertion", false).build();
        }
        if (signed && !ClientAssertions.TYPE.equals(assertionType)) {
            return error(401, "invalid_client", "client_assertion_type must be " + ClientAssertions.TYPE, false).build();
        }
        if (basic) {
            String[] credentials = Authenticator.decodeBasic(authorization.substring(6).strip());
            if (credentials == null) {
                return error(401, "invalid_client", "Malformed Basic credentials", true).build();
            }
            // RFC 6749 2.3: one authentication method a request. Found probing: HTTP Basic for one client with another
            // client's client_id in the form got a token for the Basic one, the form's id silently ignored.
            if (formSecret != null || (formClientId != null && !formClientId.equals(credentials[0]))) {
                return error(400, "invalid_request", "Use one client authentication method: HTTP Basic, or client_id and "
                        + "client_secret in the form", false).build();
            }
            clientId = credentials[0];
            secret = credentials[1];
        }
        if (signed && clientId == null) {
            clientId = ClientAssertions.claimedClient(assertion);
        }
        if (clientId == null || (!signed && secret == null) || (signed && assertion == null)) {
            return error(401, "invalid_client", "Client authentication is required", basic).build();
        }
        LoginGuard.Attempt attempt = new LoginGuard.Attempt("client", clientId, Authenticator.remoteAddress(request));
        LoginGuard.Check check = guard.check(attempt);
        Caller claimed = new Caller(clientId, Caller.Kind.CLIENT, java.util.Set.of(), java.util.Set.of(), false);
        if (check.locked()) {
            audit.record(claimed, AuditLog.Action.LOGIN_FAILED, "Client", clientId + " (locked)", null);
            return error(429, "temporarily_unavailable", "Too many failed attempts; try again in " + check.retryAfterSeconds()
                    + " seconds", false).header("Retry-After", check.retryAfterSeconds()).build();
        }
        Optional<Caller> client;
        String refusal = "Unknown client or wrong secret";
        if (signed) {
            try {
                client = Optional.of(assertions.verify(assertion, clientId, audience(uri)));
            } catch (ClientAssertions.Refused refused) {
                client = Optional.empty();
                refusal = refused.getMessage();
            }
        } else {
            client = clients.verifyClient(clientId, secret);
        }
        if (client.isEmpty()) {
            audit.record(claimed, AuditLog.Action.LOGIN_FAILED, "Client", clientId, null);
            guard.failed(attempt);
            return error(401, "invalid_client", refusal, basic).build();
        }
        guard.succeeded(attempt, check);
        if (grantType == null) {
            return error(400, "invalid_request", "grant_type is required", false).build();
        }
        if (!grantType.equals("client_credentials")) {
            return error(400, "unsupported_grant_type", "Only client_credentials is supported", false).build();
        }
        TokenService.AccessToken token = tokens.issueAccessToken(client.get());
        audit.record(client.get(), AuditLog.Action.LOGIN, "Client", clientId, null);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token.value());
        body.put("token_type", "Bearer");
        body.put("expires_in", token.expiresInSeconds());
        return Response.ok(body).cacheControl(noStore()).header("Pragma", "no-cache").build();
    }

    /** The token endpoint's own URL: from WAYMARK_BASE_URL when set (behind a proxy), else as the client called it. */
    private String audience(UriInfo uri) {
        return configuredAudience != null ? configuredAudience : uri.getAbsolutePath().toString();
    }

    private static Response.ResponseBuilder error(int status, String code, String description, boolean basicChallenge) {
        Response.ResponseBuilder response = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", code, "error_description", description))
                .cacheControl(noStore());
        if (status == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, basicChallenge ? "Basic realm=\"waymark\"" : "Bearer realm=\"waymark\"");
        }
        return response;
    }

    private static CacheControl noStore() {
        CacheControl cache = new CacheControl();
        cache.setNoStore(true);
        return cache;
    }
}
