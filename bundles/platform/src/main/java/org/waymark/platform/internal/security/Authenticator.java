package org.waymark.platform.internal.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.core.Cookie;
import javax.ws.rs.core.HttpHeaders;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;

/**
 * Finds out who sent a request: an OAuth2 bearer token (machine clients), HTTP Basic (people using /api from
 * scripts) or the console's session cookie, which also needs the CSRF header on every request that changes state.
 */
@Component(service = Authenticator.class)
public final class Authenticator {
    public static final String SESSION_COOKIE = "WAYMARK_SESSION";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** The authenticator app's code for HTTP Basic requests of someone with two-factor sign-in. */
    public static final String OTP_HEADER = "X-Waymark-OTP";

    private final UserAccounts users;
    private final TokenService tokens;
    private final AuditLog audit;
    private final LoginGuard guard;
    private final TwoFactor twoFactor;

    @Activate
    public Authenticator(@Reference UserAccounts users, @Reference TokenService tokens, @Reference AuditLog audit,
                         @Reference LoginGuard guard, @Reference TwoFactor twoFactor) {
        this.users = users;
        this.tokens = tokens;
        this.audit = audit;
        this.guard = guard;
        this.twoFactor = twoFactor;
    }

    /** The caller's remote address, as the platform's HTTP filter recorded it; null outside a servlet request. */
    public static String remoteAddress(ContainerRequestContext request) {
        Object address = request.getProperty(org.waymark.platform.internal.web.SecurityHeadersFilter.REMOTE_ADDRESS);
        return address == null ? null : address.toString();
    }

    /**
     * @return the caller, or empty when the request carries no credentials at all
     * @throws WaymarkException (401) when it carries credentials that are wrong, expired or forged
     */
    public Optional<Caller> authenticate(ContainerRequestContext request) {
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            return Optional.of(fromAuthorization(authorization.strip(), remoteAddress(request), request.getHeaderString(OTP_HEADER)));
        }
        Cookie cookie = request.getCookies().get(SESSION_COOKIE);
        if (cookie != null && !cookie.getValue().isEmpty()) {
            TokenService.Session session = tokens.resolveSession(cookie.getValue())
                    .orElseThrow(() -> unauthenticated("Your session has ended; please sign in again"));
            if (!isSafe(request.getMethod())) {
                String csrf = request.getHeaderString(CSRF_HEADER);
                if (csrf == null || !Secrets.constantTimeEquals(csrf, session.csrfToken())) {
                    throw WaymarkException.forbidden("The request lacks a valid " + CSRF_HEADER + " header");
                }
            }
            return Optional.of(session.caller());
        }
        return Optional.empty();
    }

    private Caller fromAuthorization(String authorization, String address, String otp) {
        int space = authorization.indexOf(' ');
        String scheme = space < 0 ? authorization : authorization.substring(0, space);
        String value = space < 0 ? "" : authorization.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return tokens.resolveAccessToken(value)
                    .orElseThrow(() -> unauthenticated("The access token is invalid or has expired"));
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            String[] userAndPassword = decodeBasic(value);
            if (userAndPassword == null) {
                throw unauthenticated("Malformed Basic credentials");
            }
            Optional<Caller> remembered = users.rememberedUser(userAndPassword[0], userAndPassword[1]);
            if (remembered.isPresent()) {
                return withSecondFactor(remembered.get(), otp, address);
            }
            LoginGuard.Attempt attempt = new LoginGuard.Attempt("user", userAndPassword[0], address);
            LoginGuard.Check check = guard.check(attempt);
            if (check.locked()) {
                audit.record(new Caller(userAndPassword[0], Caller.Kind.USER, java.util.Set.of(), java.util.Set.of(), false),
                        AuditLog.Action.LOGIN_FAILED, "User", userAndPassword[0] + " (locked)", null);
                throw new TooManyAttempts(check);
            }
            Optional<Caller> user = users.verifyUser(userAndPassword[0], userAndPassword[1]);
            if (user.isEmpty()) {
                audit.record(new Caller(userAndPassword[0], Caller.Kind.USER, java.util.Set.of(), java.util.Set.of(), false),
                        AuditLog.Action.LOGIN_FAILED, "User", userAndPassword[0], null);
                guard.failed(attempt);
                throw unauthenticated("Wrong user name or password");
            }
            guard.succeeded(attempt, check);
            return withSecondFactor(user.get(), otp, address);
        }
        throw unauthenticated("Unsupported authorization scheme");
    }

    /** Basic credentials of someone with two-factor sign-in are only half: the app's code comes in {@link #OTP_HEADER}. */
    private Caller withSecondFactor(Caller user, String otp, String address) {
        if (!twoFactor.enrolled(user.id())) {
            return user;
        }
        if (otp == null || otp.isBlank()) {
            throw unauthenticated("This account uses two-factor sign-in: send the authenticator app's current code in the "
                    + OTP_HEADER + " header");
        }
        // Checked here too: a remembered password skips the lockout check above, and six digits must not be guessable.
        LoginGuard.Attempt attempt = new LoginGuard.Attempt("user", user.id(), address);
        LoginGuard.Check check = guard.check(attempt);
        if (check.locked()) {
            throw new TooManyAttempts(check);
        }
        if (!twoFactor.verify(user.id(), otp)) {
            audit.record(user, AuditLog.Action.LOGIN_FAILED, "User", user.id() + " (wrong code)", null);
            guard.failed(attempt);
            throw unauthenticated("The " + OTP_HEADER + " code is wrong or has expired");
        }
        return user;
    }

    /** @return user and password, or null when the header is not valid Basic credentials */
    static String[] decodeBasic(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon <= 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static boolean isSafe(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }

    private static WaymarkException unauthenticated(String message) {
        return new WaymarkException(WaymarkException.Kind.UNAUTHENTICATED, message);
    }
}
