package org.waymark.platform.internal.admin;

import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.waymark.platform.internal.backup.DatabaseBackup;

@Service
@Command(scope = "waymark", name = "backup", description = "Online backup of the embedded database into a new folder under DIR")
public class BackupCommand implements Action {
    @Reference
    DatabaseBackup backup;

    @Argument(index = 0, name = "dir", required = true, description = "folder to hold the backup")
    String dir;

    @Override
    public Object execute() {
        return "Backed up the database to " + backup.backup(Path.of(dir));
    }
}
