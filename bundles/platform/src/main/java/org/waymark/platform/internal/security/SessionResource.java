package org.waymark.platform.internal.security;

import java.util.Optional;
import java.util.TreeSet;
import javax.annotation.security.PermitAll;
import javax.ws.rs.CookieParam;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;

/** Console sign-in and sign-out. The session id travels only in an HttpOnly, SameSite=Strict cookie. */
@Component(service = SessionResource.class, property = "osgi.jaxrs.resource=true")
@Path("/session")
@Produces(MediaType.APPLICATION_JSON)
public final class SessionResource {
    private final UserAccounts users;
    private final TokenService tokens;
    private final AuditLog audit;
    private final LoginGuard guard;
    private final TwoFactor twoFactor;

    /** {@code code} is the authenticator app's code, needed once the person has two-factor sign-in. */
    public record Login(String username, String password, String code) {
    }

    /** @param idleSeconds how long the session lasts unused: the console clears a page left open longer */
    public record SessionInfo(String username, java.util.Set<String> roles, java.util.Set<String> areas, String csrfToken,
                              long idleSeconds) {
    }

    @Activate
    public SessionResource(@Reference UserAccounts users, @Reference TokenService tokens, @Reference AuditLog audit,
                           @Reference LoginGuard guard, @Reference TwoFactor twoFactor) {
        this.users = users;
        this.tokens = tokens;
        this.audit = audit;
        this.guard = guard;
        this.twoFactor = twoFactor;
    }

    @POST
    @PermitAll
    public Response signIn(Login login, @Context SecurityContext security, @Context ContainerRequestContext request) {
        if (login == null || login.username() == null || login.password() == null) {
            throw WaymarkException.invalid("username and password are required");
        }
        LoginGuard.Attempt attempt = new LoginGuard.Attempt("user", login.username(), Authenticator.remoteAddress(request));
        LoginGuard.Check check = guard.check(attempt);
        Caller claimed = new Caller(login.username(), Caller.Kind.USER, java.util.Set.of(), java.util.Set.of(), false);
        if (check.locked()) {
            audit.record(claimed, AuditLog.Action.LOGIN_FAILED, "User", login.username() + " (locked)", null);
            throw new TooManyAttempts(check);
        }
        Optional<Caller> user = users.verifyUser(login.username(), login.password());
        if (user.isEmpty()) {
            audit.record(claimed, AuditLog.Action.LOGIN_FAILED, "User", login.username(), null);
            guard.failed(attempt);
            throw new WaymarkException(WaymarkException.Kind.UNAUTHENTICATED, "Wrong user name or password");
        }
        Optional<Response> secondStep = secondFactor(user.get(), login, attempt);
        if (secondStep.isPresent()) {
            return secondStep.get();
        }
        guard.succeeded(attempt, check);
        TokenService.Session session = tokens.startSession(user.get());
        audit.record(user.get(), AuditLog.Action.LOGIN, "User", login.username(), null);
        return Response.ok(info(user.get(), session.csrfToken()))
                .header("Set-Cookie", cookie(session.id(), (int) TokenService.SESSION_MAX.toSeconds(), security.isSecure()))
                .build();
    }

    /**
     * The second step after a right password: a code from the app of someone enrolled; for someone whose role needs
     * two factors and who has none yet, the enrolment (secret and QR code) and then a first code from it. Wrong codes
     * count towards the lockout like wrong passwords, which keeps six digits out of reach of guessing.
     */
    private Optional<Response> secondFactor(Caller user, Login login, LoginGuard.Attempt attempt) {
        String code = login.code() == null || login.code().isBlank() ? null : login.code();
        TwoFactor.Status status = twoFactor.status(login.username());
        if (status == TwoFactor.Status.ENROLLED) {
            if (code == null) {
                return Optional.of(twoFactorProblem("code-required", "Enter the code from your authenticator app", null));
            }
            if (!twoFactor.verifyOnce(login.username(), code)) {
                audit.record(user, AuditLog.Action.LOGIN_FAILED, "User", login.username() + " (wrong code)", null);
                guard.failed(attempt);
                return Optional.of(twoFactorProblem("code-required",
                        "That code is wrong or has been used; enter the current code from your authenticator app", null));
            }
            return Optional.empty();
        }
        if (!twoFactor.requiredFor(user)) {
            return Optional.empty();
        }
        TwoFactor.Enrolment enrolment = twoFactor.enrolment(login.username());
        if (code == null) {
            return Optional.of(twoFactorProblem("enrolment-required",
                    "Your role needs two-factor sign-in: add Waymark to an authenticator app, then enter its code", enrolment));
        }
        if (!twoFactor.confirm(login.username(), code)) {
            audit.record(user, AuditLog.Action.LOGIN_FAILED, "User", login.username() + " (wrong enrolment code)", null);
            guard.failed(attempt);
            return Optional.of(twoFactorProblem("enrolment-required",
                    "That code does not match; check the app shows Waymark and enter its current code", enrolment));
        }
        audit.record(user, AuditLog.Action.ADMIN, "TwoFactor", login.username() + " enrolled", null);
        return Optional.empty();
    }

    /** An RFC 9457 problem with the step the console must show next ({@code twoFactor}) and, to enrol, the secret. */
    private static Response twoFactorProblem(String step, String detail, TwoFactor.Enrolment enrolment) {
        java.util.Map<String, Object> problem = new java.util.LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", "Two-factor sign-in");
        problem.put("status", 401);
        problem.put("detail", detail);
        problem.put("twoFactor", step);
        if (enrolment != null) {
            problem.put("secret", enrolment.secret());
            problem.put("keyUri", enrolment.keyUri());
            problem.put("qrCode", enrolment.qrSvgDataUri());
        }
        return Response.status(401).type("application/problem+json").header("Cache-Control", "no-store").entity(problem).build();
    }

    /** Who is signed in, with the CSRF token that the console sends back on every change. */
    @GET
    public SessionInfo current(@CookieParam(Authenticator.SESSION_COOKIE) String sessionId, @Context SecurityContext security) {
        Caller caller = CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
        String csrf = sessionId == null ? null : tokens.resolveSession(sessionId).map(TokenService.Session::csrfToken).orElse(null);
        return info(caller, csrf);
    }

    @DELETE
    public Response signOut(@CookieParam(Authenticator.SESSION_COOKIE) String sessionId, @Context SecurityContext security) {
        if (sessionId != null) {
            tokens.endSession(sessionId);
        }
        return Response.noContent().header("Set-Cookie", cookie("", 0, security.isSecure())).build();
    }

    private static SessionInfo info(Caller caller, String csrf) {
        return new SessionInfo(caller.id(), new TreeSet<>(caller.roles()), new TreeSet<>(caller.areas()), csrf,
                TokenService.SESSION_IDLE.toSeconds());
    }

    /** Written by hand because JAX-RS 2.1's NewCookie cannot express SameSite. */
    private static String cookie(String value, int maxAge, boolean secure) {
        return Authenticator.SESSION_COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

}
