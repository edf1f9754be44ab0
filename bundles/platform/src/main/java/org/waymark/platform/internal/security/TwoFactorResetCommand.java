package org.waymark.platform.internal.security;

import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.admin.AdminCommand;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;

/** {@code ./waymark two-factor-reset NAME}: for a lost phone, or an admin locked out of the console. */
@Component(service = {AdminCommand.class, TwoFactorResetCommand.class})
public final class TwoFactorResetCommand implements AdminCommand {
    private final TwoFactor twoFactor;
    private final AuditLog audit;

    @Activate
    public TwoFactorResetCommand(@Reference TwoFactor twoFactor, @Reference AuditLog audit) {
        this.twoFactor = twoFactor;
        this.audit = audit;
    }

    @Override
    public String name() {
        return "two-factor-reset";
    }

    @Override
    public String usage() {
        return "two-factor-reset NAME\n    removes a user's authenticator app; they set up a new one at their next sign-in.";
    }

    @Override
    public String run(List<String> arguments) {
        if (arguments.size() != 1) {
            throw WaymarkException.invalid("Usage: " + usage());
        }
        return reset(Caller.system("operator"), arguments.get(0));
    }

    public String reset(Caller by, String username) {
        if (!twoFactor.reset(username)) {
            throw WaymarkException.notFound("User " + username + " has no two-factor sign-in");
        }
        audit.record(by, AuditLog.Action.ADMIN, "TwoFactor", username + " reset", null);
        return "Two-factor sign-in of " + username + " reset: they set it up again at their next sign-in";
    }
}
