package org.waymark.platform.internal.admin;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "waymark", name = "client-enable", description = "Enables a disabled machine client again")
public class ClientEnableCommand implements Action {
    @Reference
    AdminCommands admin;

    @Argument(index = 0, name = "id", required = true, description = "client id")
    String id;

    @Override
    public Object execute() {
        return admin.setClientEnabled(id, true);
    }
}
