package org.waymark.platform.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.waymark.api.admin.AdminCommand;
import org.waymark.platform.internal.plugins.PluginApprovals;
import org.waymark.platform.testing.FakeBundles;

class ContributedCommandsTest {
    private final Set<String> approved = new HashSet<>();
    private final ContributedCommands commands = new ContributedCommands(b -> approved.contains(b.getSymbolicName()));
    private final Bundle core = bundle("org.waymark.platform", "mvn:org.waymark/platform/0.1.0", false);
    private final Bundle plugin = bundle("org.example.plugin", "file:/data/deploy/plugin.jar", true);

    @Test
    void aPluginCannotAnswerInTheCoresPlace() {
        // Found probing: a plugin's "backup" or "create-user" replaced the core's and read the operator's arguments.
        AdminCommand coreBackup = command("backup", "core");
        commands.add(command("backup", "plugin"), plugin);
        commands.add(coreBackup, core);
        commands.add(command("create-user", "plugin"), plugin);
        approved.add("org.example.plugin");

        assertThat(commands.find("backup")).as("the core's wins, whatever the order").containsSame(coreBackup);
        assertThat(commands.find("create-user")).as("a built-in command is never a contributed one").isEmpty();
        assertThat(commands.all()).extracting(AdminCommand::name).containsExactly("backup");
        assertThat(commands.all().get(0).usage()).isEqualTo("core");
    }

    @Test
    void aPluginsOwnCommandAnswersOnlyOnceApproved() {
        commands.add(command("letters", "plugin"), plugin);
        assertThat(commands.find("letters")).isEmpty();
        assertThat(commands.all()).isEmpty();
        approved.add("org.example.plugin");
        assertThat(commands.find("letters")).isPresent();
    }

    @Test
    void aRemovedCommandIsGoneAndTheNextInLineAnswers() {
        AdminCommand coreBackup = command("backup", "core");
        AdminCommand pluginBackup = command("backup", "plugin");
        approved.add("org.example.plugin");
        commands.add(coreBackup, core);
        commands.add(pluginBackup, plugin);
        commands.remove(coreBackup);
        assertThat(commands.find("backup")).containsSame(pluginBackup);
    }

    private static AdminCommand command(String name, String usage) {
        return new AdminCommand() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String usage() {
                return usage;
            }

            @Override
            public String run(List<String> arguments) {
                return usage;
            }
        };
    }

    private static Bundle bundle(String name, String location, boolean plugin) {
        return FakeBundles.bundle(name, location, plugin ? Map.of(PluginApprovals.PLUGIN_HEADER, "true") : FakeBundles.CORE);
    }
}
