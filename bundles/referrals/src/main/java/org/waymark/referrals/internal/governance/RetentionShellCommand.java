package org.waymark.referrals.internal.governance;

import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "waymark", name = "retention", description = "Closed referrals past their retention period: count them (--dry-run) or erase them (--apply)")
public class RetentionShellCommand implements Action {
    @Reference
    Retention retention;

    @Option(name = "--dry-run", description = "count what is due, change nothing")
    boolean dryRun;

    @Option(name = "--apply", description = "erase what is due")
    boolean apply;

    @Option(name = "--as-of", description = "evaluate the rules as on this day (YYYY-MM-DD)")
    String asOf;

    @Override
    public Object execute() {
        List<String> words = new ArrayList<>();
        if (dryRun) {
            words.add("--dry-run");
        }
        if (apply) {
            words.add("--apply");
        }
        if (asOf != null) {
            words.add("--as-of");
            words.add(asOf);
        }
        return retention.run(words);
    }
}
