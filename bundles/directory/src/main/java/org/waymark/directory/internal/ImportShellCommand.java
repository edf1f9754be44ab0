package org.waymark.directory.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "waymark", name = "directory-import", description = "Imports Open Referral UK / HSDS JSON or a CSV data package into the directory")
public class ImportShellCommand implements Action {
    @Reference
    ImportCommand command;

    @Argument(index = 0, name = "words", multiValued = true, required = true, description = "PATH [CSV_FOLDER]")
    List<String> words;

    @Override
    public Object execute() {
        return command.run(words);
    }
}
