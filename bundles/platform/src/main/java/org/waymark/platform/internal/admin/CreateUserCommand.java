package org.waymark.platform.internal.admin;

import java.util.Set;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "waymark", name = "create-user", description = "Creates a console user")
public class CreateUserCommand implements Action {
    @Reference
    AdminCommands admin;

    @Argument(index = 0, name = "name", required = true, description = "user name")
    String name;

    @Option(name = "--role", required = true, multiValued = true, description = "link-worker or admin")
    Set<String> roles;

    @Option(name = "--area", multiValued = true, description = "area(s) whose people the user works with")
    Set<String> areas = Set.of("default");

    @Option(name = "--password", description = "password; generated and printed when left out")
    String password;

    @Override
    public Object execute() {
        return admin.createUser(name, roles, areas, password);
    }
}
