package org.waymark.platform.internal.admin;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.waymark.api.security.Caller;
import org.waymark.platform.internal.security.TwoFactorResetCommand;

@Service
@Command(scope = "waymark", name = "two-factor-reset", description = "Removes a user's authenticator app (they enrol again)")
public class TwoFactorResetShellCommand implements Action {
    @Reference
    TwoFactorResetCommand command;

    @Argument(index = 0, name = "name", required = true, description = "user name")
    String name;

    @Override
    public Object execute() {
        return command.reset(Caller.system("operator"), name);
    }
}
