package org.waymark.platform.internal.admin;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "waymark", name = "plugins", description = "Lists plugins and built-in plugin services with their state and errors")
public class PluginsCommand implements Action {
    @Reference
    AdminCommands admin;

    @Override
    public Object execute() {
        return admin.formatPlugins(admin.plugins());
    }
}
