package org.waymark.directory.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.admin.AdminCommand;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.Caller;

/** {@code ./waymark directory-import PATH [CSV_FOLDER]}: imports Open Referral JSON or a CSV data package. */
@Component(service = {AdminCommand.class, ImportCommand.class})
public final class ImportCommand implements AdminCommand {
    private final Directory directory;
    private final ImportRuns runs;

    @Activate
    public ImportCommand(@Reference Directory directory, @Reference ImportRuns runs) {
        this.directory = directory;
        this.runs = runs;
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
                + "    all or nothing: any record with a problem stops the whole import and is listed. Runs while you wait,\n"
                + "    tracked as an import run like an upload (GET /api/directory/imports).";
    }

    @Override
    public String run(List<String> arguments) {
        if (arguments.isEmpty() || arguments.size() > 2) {
            throw WaymarkException.invalid("Usage: " + usage());
        }
        Path path = Path.of(arguments.get(0)).toAbsolutePath();
        Optional<Path> csvFolder = arguments.size() == 2 ? Optional.of(Path.of(arguments.get(1)).toAbsolutePath()) : Optional.empty();
        AtomicReference<Directory.ImportReport> report = new AtomicReference<>();
        ImportRun run;
        try {
            run = runs.runNow(Caller.system("operator"), path.toString(), (progress, lastStep) -> {
                report.set(directory.importPath(path, csvFolder, "operator", progress, lastStep));
                return report.get();
            });
        } catch (ImportRuns.Busy busy) {
            throw WaymarkException.conflict(busy.getMessage() + " (" + "/api/directory/imports/" + busy.activeId() + ")");
        }
        if (report.get() == null) {
            // Refused before any record was read: a wrong path or an unreadable file, the caller's mistake.
            throw WaymarkException.invalid(run.detail());
        }
        String text = "Import run " + run.id() + ": " + run.state().json() + "\n" + report.get().text();
        if (run.state() != ImportRun.State.APPLIED) {
            throw WaymarkException.unprocessable(text + (run.detail() == null ? "" : "\n  " + run.detail()));
        }
        return text;
    }
}
