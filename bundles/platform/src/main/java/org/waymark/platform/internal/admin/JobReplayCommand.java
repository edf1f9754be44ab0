package org.waymark.platform.internal.admin;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.waymark.api.security.Caller;

@Service
@Command(scope = "waymark", name = "job-replay", description = "Puts a dead-lettered job back in the queue with fresh attempts")
public class JobReplayCommand implements Action {
    @Reference
    AdminCommands admin;

    @Argument(index = 0, name = "id", required = true, description = "job id, from waymark:jobs --state dead")
    String id;

    @Override
    public Object execute() {
        return "Replayed job " + admin.replay(Caller.system("operator"), id).id();
    }
}
