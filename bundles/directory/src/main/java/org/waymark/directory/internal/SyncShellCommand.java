package org.waymark.directory.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "waymark", name = "directory-sync", description = "Copies every service of another Open Referral UK API into the directory")
public class SyncShellCommand implements Action {
    @Reference
    RemoteSync sync;

    @Argument(index = 0, name = "url", required = true, description = "the remote API's base URL")
    String url;

    @org.apache.karaf.shell.api.action.Option(name = RemoteSync.ALLOW_REMOVALS,
            description = "take away what the remote no longer lists even past the usual share (it was really withdrawn)")
    boolean allowRemovals;

    @Override
    public Object execute() {
        return sync.run(allowRemovals ? List.of(url, RemoteSync.ALLOW_REMOVALS) : List.of(url));
    }
}
