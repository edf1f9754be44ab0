package org.waymark.platform.internal.admin;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.waymark.api.security.Caller;

@Service
@Command(scope = "waymark", name = "plugin-approve", description = "Lets the core use a deployed plugin")
public class PluginApproveCommand implements Action {
    @Reference
    AdminCommands admin;

    @Argument(index = 0, name = "id", required = true, description = "plugin id (bundle symbolic name)")
    String id;

    @Option(name = "--version", description = "approve this version ahead of its deployment")
    String version;

    @Override
    public Object execute() {
        return "Approved " + id + " " + String.join(", ", admin.approvePlugin(Caller.system("operator"), id, version));
    }
}
