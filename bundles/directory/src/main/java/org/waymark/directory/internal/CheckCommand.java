package org.waymark.directory.internal;

import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.admin.AdminCommand;
import org.waymark.api.error.WaymarkException;

/** {@code ./waymark directory-check SERVICE_ID}: sends a service its "are these details still right?" message now. */
@Component(service = {AdminCommand.class, CheckCommand.class})
public final class CheckCommand implements AdminCommand {
    private final Freshness freshness;

    @Activate
    public CheckCommand(@Reference Freshness freshness) {
        this.freshness = freshness;
    }

    @Override
    public String name() {
        return "directory-check";
    }

    @Override
    public String usage() {
        return "directory-check SERVICE_ID\n"
                + "    sends the service its \"are these details still right?\" message now (the daily job sends them\n"
                + "    after " + Freshness.STALE_AFTER_DAYS + " days without confirmation) and prints the one-time link, e.g. to read out by phone.";
    }

    @Override
    public String run(List<String> arguments) {
        if (arguments.size() != 1) {
            throw WaymarkException.invalid("Usage: " + usage());
        }
        Freshness.Check check = freshness.sendCheck(arguments.get(0));
        return "Check sent to directory-service:" + check.serviceId() + "\nlink: " + check.link();
    }
}
