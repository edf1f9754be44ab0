package org.waymark.platform.internal.backup;

import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.admin.AdminCommand;
import org.waymark.api.error.WaymarkException;

/**
 * {@code ./waymark restore-backup ARCHIVE DIR}: opens an encrypted backup (with {@code WAYMARK_BACKUP_PASSPHRASE})
 * into a new folder; the operator then stops Waymark and puts {@code DIR/db} in place of {@code $WAYMARK_DATA/db}.
 */
@Component(service = AdminCommand.class)
public final class RestoreBackupCommand implements AdminCommand {
    private final DatabaseBackup backup;

    @Activate
    public RestoreBackupCommand(@Reference DatabaseBackup backup) {
        this.backup = backup;
    }

    @Override
    public String name() {
        return "restore-backup";
    }

    @Override
    public String usage() {
        return "restore-backup ARCHIVE DIR\n    opens an encrypted backup (.wmbackup, with WAYMARK_BACKUP_PASSPHRASE) into the new folder DIR;"
                + "\n    then stop Waymark and put DIR/db in place of $WAYMARK_DATA/db.";
    }

    @Override
    public String run(List<String> arguments) {
        if (arguments.size() != 2) {
            throw WaymarkException.invalid("Usage: " + usage());
        }
        Path folder = backup.restore(Path.of(arguments.get(0)), Path.of(arguments.get(1)));
        return "Restored the backup into " + folder + "; its db folder is the database";
    }
}
