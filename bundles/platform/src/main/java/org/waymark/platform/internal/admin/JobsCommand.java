package org.waymark.platform.internal.admin;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "waymark", name = "jobs", description = "Lists durable jobs; --state dead shows the dead-letter list")
public class JobsCommand implements Action {
    @Reference
    AdminCommands admin;

    @Option(name = "--state", description = "pending, done or dead")
    String state;

    @Option(name = "--count", description = "how many to list")
    int count = 50;

    @Override
    public Object execute() {
        return admin.formatJobs(admin.jobs(AdminCommands.parseState(state), count));
    }
}
