package org.waymark.directory.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.admin.AdminCommand;
import org.waymark.api.error.WaymarkException;

/** {@code ./waymark directory-import PATH [CSV_FOLDER]}: imports Open Referral JSON or a CSV data package. */
@Component(service = {AdminCommand.class, ImportCommand.class})
public final class ImportCommand implements AdminCommand {
    private final Directory directory;

    @Activate
    public ImportCommand(@Reference Directory directory) {
        this.directory = directory;
    }

    @Override
    public String name() {
        return "directory-import";
    }

    @Override
    public String usage() {
        return "directory-import PATH [CSV_FOLDER]\n"
                + "    imports Open Referral UK / HSDS JSON (a file or a folder of .json files) or a CSV data package\n"
                + "    (datapackage.json; its CSVs next to it, in csv/ or examples/csv/, or in CSV_FOLDER). Upserts by id;\n"
                + "    all or nothing: any record with a problem stops the whole import and is listed.";
    }

    @Override
    public String run(List<String> arguments) {
        if (arguments.isEmpty() || arguments.size() > 2) {
            throw WaymarkException.invalid("Usage: " + usage());
        }
        Directory.ImportReport report = directory.importPath(Path.of(arguments.get(0)).toAbsolutePath(),
                arguments.size() == 2 ? Optional.of(Path.of(arguments.get(1)).toAbsolutePath()) : Optional.empty(),
                "operator");
        if (!report.applied()) {
            throw WaymarkException.unprocessable(report.text());
        }
        return report.text();
    }
}
