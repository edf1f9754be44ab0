package org.waymark.platform.internal.admin;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.waymark.api.security.Caller;

@Service
@Command(scope = "waymark", name = "plugin-reset", description = "Takes a plugin marked failed back into use")
public class PluginResetCommand implements Action {
    @Reference
    AdminCommands admin;

    @Argument(index = 0, name = "id", required = true, description = "plugin id (bundle symbolic name)")
    String id;

    @Override
    public Object execute() {
        admin.resetPlugin(Caller.system("operator"), id);
        return "Plugin " + id + " is active again";
    }
}
