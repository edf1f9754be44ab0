package org.waymark.platform.internal.admin;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.osgi.framework.Bundle;
import org.waymark.api.admin.AdminCommand;
import org.waymark.platform.internal.plugins.PluginApprovals;

/**
 * The commands other bundles add to {@code ./waymark}, and which of them may answer a command line. The operator
 * types passwords and keys into these (create-user --password, backup with the passphrase set), and they run with
 * the operator's authority, so a deployed plugin must not be able to answer in the core's place: the built-in
 * commands and those of the core's bundles always win over a plugin's of the same name, and a plugin's own commands
 * answer only once its version is approved.
 */
final class ContributedCommands {
    /** The commands {@link AdminCommands} answers itself. */
    static final Set<String> BUILT_IN = Set.of("create-user", "create-client", "client-senders", "jobs", "replay",
            "plugins", "plugin-reset", "plugin-approve");

    private record Contribution(AdminCommand command, Bundle bundle) {
        boolean core() {
            return bundle != null && !PluginApprovals.isPlugin(bundle);
        }
    }

    private final List<Contribution> contributions = new CopyOnWriteArrayList<>();
    private final Predicate<Bundle> approved;

    /** @param approved whether a plugin's bundle is approved for use */
    ContributedCommands(Predicate<Bundle> approved) {
        this.approved = approved;
    }

    void add(AdminCommand command, Bundle bundle) {
        contributions.add(new Contribution(command, bundle));
    }

    void remove(AdminCommand command) {
        contributions.removeIf(c -> c.command() == command);
    }

    /** The command that answers this name: none for a built-in one, the core's before a plugin's. */
    Optional<AdminCommand> find(String name) {
        if (BUILT_IN.contains(name)) {
            return Optional.empty();
        }
        return usable().filter(c -> name.equals(c.command().name())).map(Contribution::command).findFirst();
    }

    /** The commands that may run, one per name, for the usage text. */
    List<AdminCommand> all() {
        java.util.Map<String, AdminCommand> byName = new java.util.TreeMap<>();
        usable().filter(c -> !BUILT_IN.contains(c.command().name()))
                .forEach(c -> byName.putIfAbsent(c.command().name(), c.command()));
        return List.copyOf(byName.values());
    }

    private java.util.stream.Stream<Contribution> usable() {
        return contributions.stream().filter(c -> c.core() || (c.bundle() != null && approved.test(c.bundle())))
                .sorted(Comparator.comparing(c -> !c.core()));
    }
}
