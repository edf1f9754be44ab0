package org.waymark.directory.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "waymark", name = "directory-check", description = "Sends a directory service its \"are these details still right?\" message now")
public class CheckShellCommand implements Action {
    @Reference
    CheckCommand command;

    @Argument(index = 0, name = "serviceId", required = true, description = "the service's id")
    String serviceId;

    @Override
    public Object execute() {
        return command.run(List.of(serviceId));
    }
}
