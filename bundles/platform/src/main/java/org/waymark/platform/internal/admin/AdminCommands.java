package org.waymark.platform.internal.admin;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.waymark.api.admin.AdminCommand;
import org.waymark.platform.internal.jobs.JobRunner;
import org.waymark.platform.internal.jobs.JobStore;
import org.waymark.platform.internal.plugins.PluginApprovals;
import org.waymark.platform.internal.plugins.PluginInfo;
import org.waymark.platform.internal.plugins.WhiteboardPluginRegistry;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AreaDirectory;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.SenderIdentities;
import org.waymark.platform.internal.security.ClientAccounts;
import org.waymark.platform.internal.security.UserAccounts;

/**
 * The operator's commands, shared by the Karaf shell ({@code waymark:*}) and {@code ./waymark} (through the local
 * admin socket). Each returns the text to print; every one is audited.
 */
@Component(service = AdminCommands.class)
public final class AdminCommands {
    static final String USAGE = String.join("\n",
            "Commands:",
            "  create-user NAME --role ROLE[,ROLE] [--area AREA[,AREA]] [--password PASSWORD]",
            "      roles: link-worker, admin. Without --password a strong one is generated and printed once.",
            "  create-client ID [--area AREA] [--endpoint URL]... [--ods CODE]... [--any-sender] [--public-key FILE]",
            "      prints the client secret once; it is stored only as a hash. With --public-key (a JWK, JWK set or PEM",
            "      public key or certificate) the client has no secret and signs JWTs instead (RFC 7523 private_key_jwt).",
            "      --endpoint: a BaRS MessageHeader.source.endpoint it sends from (it sends BaRS messages from these only);",
            "      --ods: the ODS code of an organisation it sends for (a supplier system may send for several). Both repeat.",
            "  client-senders ID [--endpoint URL]... [--ods CODE]... [--clear]",
            "      shows the endpoints and ODS codes a client sends as; with --endpoint/--ods replaces them, --clear removes all.",
            "  client-secret ID",
            "      gives a client a new secret, printed once; the old secret and the tokens issued with it stop working.",
            "  client-disable ID, client-enable ID",
            "      a disabled client gets no token and its tokens stop working (a compromised or departed system).",
            "  jobs [--state pending|done|dead] [--count N]",
            "      lists jobs, newest change first; --state dead is the dead-letter list.",
            "  replay JOB_ID",
            "      puts a dead-lettered job back in the queue with fresh attempts.",
            "  plugins",
            "      lists plugins and built-in services on the plugin SPI, with their state and errors.",
            "  plugin-reset PLUGIN_ID",
            "      takes a plugin marked failed back into use.",
            "  plugin-approve PLUGIN_ID [--version VERSION]",
            "      lets the core use a deployed plugin (the installed version, or VERSION ahead of its deployment).");

    private final UserAccounts users;
    private final ClientAccounts clients;
    private final AreaDirectory areaDirectory;
    private final AuditLog audit;
    private final JobStore jobs;
    private final WhiteboardPluginRegistry plugins;
    private final PluginApprovals approvals;
    private final Caller operator = Caller.system("operator");
    private final ContributedCommands contributed;

    @Activate
    public AdminCommands(@Reference UserAccounts users, @Reference ClientAccounts clients,
                         @Reference AreaDirectory areaDirectory, @Reference AuditLog audit, @Reference JobRunner jobs,
                         @Reference WhiteboardPluginRegistry plugins, @Reference PluginApprovals approvals) {
        this.approvals = approvals;
        this.users = users;
        this.clients = clients;
        this.areaDirectory = areaDirectory;
        this.audit = audit;
        this.jobs = jobs.store();
        this.plugins = plugins;
        this.contributed = new ContributedCommands(approvals::usable);
    }

    /** Commands other bundles add; they come and go with their bundles. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addCommand(AdminCommand command, org.osgi.framework.ServiceReference<AdminCommand> reference) {
        contributed.add(command, reference.getBundle());
    }

    void removeCommand(AdminCommand command) {
        contributed.remove(command);
    }

    public String usage() {
        StringBuilder usage = new StringBuilder(USAGE);
        contributed.all().forEach(c -> usage.append("\n  ").append(c.usage().replace("\n", "\n  ")));
        return usage.toString();
    }

    public List<JobStore.JobView> jobs(JobStore.State state, int count) {
        if (count < 1 || count > 1000) {
            throw WaymarkException.invalid("count must be between 1 and 1000");
        }
        return jobs.list(state, count);
    }

    public JobStore.JobView replay(Caller caller, String jobId) {
        if (!jobs.replay(jobId)) {
            throw WaymarkException.notFound("No dead-lettered job " + jobId);
        }
        audit.record(caller, AuditLog.Action.ADMIN, "Job", "replay " + jobId, null);
        return jobs.list(null, 1000).stream().filter(j -> j.id().equals(jobId)).findFirst().orElseThrow();
    }

    public List<PluginInfo> plugins() {
        return plugins.plugins();
    }

    public void resetPlugin(Caller caller, String pluginId) {
        if (!plugins.reset(pluginId)) {
            throw WaymarkException.notFound("No plugin " + pluginId);
        }
        audit.record(caller, AuditLog.Action.ADMIN, "Plugin", "reset " + pluginId, null);
    }

    /**
     * Approves a plugin: the given version, or every installed version when none is given. Returns the approved
     * versions.
     */
    public List<String> approvePlugin(Caller caller, String pluginId, String version) {
        List<String> versions = version != null ? List.of(version) : plugins.plugins().stream()
                .filter(p -> p.id().equals(pluginId) && !p.builtIn() && !p.version().isEmpty()).map(PluginInfo::version)
                .distinct().toList();
        if (versions.isEmpty()) {
            throw WaymarkException.notFound("No deployed plugin " + pluginId + "; give --version to approve it before it is deployed");
        }
        versions.forEach(v -> approvals.approve(caller, pluginId, v));
        return versions;
    }

    private static int number(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw WaymarkException.invalid("--count needs a number");
        }
    }

    public static JobStore.State parseState(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            return JobStore.State.valueOf(state.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw WaymarkException.invalid("state must be pending, done or dead");
        }
    }

    public String formatJobs(List<JobStore.JobView> list) {
        if (list.isEmpty()) {
            return "No jobs";
        }
        StringBuilder out = new StringBuilder(String.format("%-36s  %-22s  %-40s  %-7s  %-8s  %-20s  %s", "ID", "TYPE", "KEY", "STATE", "ATTEMPTS", "NEXT RUN", "LAST ERROR"));
        for (JobStore.JobView j : list) {
            out.append(String.format("%n%-36s  %-22s  %-40s  %-7s  %3d/%-4d  %-20s  %s", j.id(), j.type(),
                    j.key().length() > 40 ? j.key().substring(0, 39) + "~" : j.key(), j.state().name().toLowerCase(java.util.Locale.ROOT),
                    j.attempts(), j.maxAttempts(), j.state() == JobStore.State.PENDING ? j.runAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) : "-",
                    j.lastError() == null ? "" : j.lastError()));
        }
        return out.toString();
    }

    public String formatPlugins(List<PluginInfo> list) {
        if (list.isEmpty()) {
            return "No plugins";
        }
        StringBuilder out = new StringBuilder(String.format("%-32s  %-14s  %-17s  %-9s  %-6s  %-8s  %s", "ID", "VERSION", "STATE", "AREA", "ERRORS", "TIMEOUTS", "CONTRIBUTES"));
        for (PluginInfo p : list) {
            out.append(String.format("%n%-32s  %-14s  %-17s  %-9s  %6d  %8d  %s", p.id() + (p.builtIn() ? " (built-in)" : ""), p.version(),
                    p.state(), p.area() == null ? "all" : p.area(), p.errors(), p.timeouts(), String.join(", ", p.contributions())));
            if (p.lastError() != null) {
                out.append(String.format("%n%-32s  last error %s: %s", "", p.lastErrorAt(), p.lastError()));
            }
        }
        return out.toString();
    }

    public String createUser(String name, Set<String> roles, Set<String> areas, String password) {
        String secret = password == null ? generatedPassword() : password;
        Set<String> known = areaDirectory.areas();
        users.createUser(new UserAccounts.NewUser(name, secret, roles, areas));
        audit.record(operator, AuditLog.Action.ADMIN, "User", "create " + name, null);
        return (password == null ? "Created user " + name + " with password: " + secret : "Created user " + name)
                + newAreas(areas, known, "disable the account on the console's admin page and create it again");
    }

    /**
     * Areas are named where they are first used, so a mistyped one makes a working account that sees nothing (found
     * probing: {@code --area sheffeild} created a link worker with an empty caseload and said nothing). The operator
     * is told when an area is new, with the ones that exist; the first account of a deployment starts its areas.
     */
    static String newAreas(Set<String> areas, Set<String> known, String undo) {
        if (known.isEmpty()) {
            return "";
        }
        List<String> unknown = areas.stream().filter(area -> !known.contains(area)).sorted().toList();
        if (unknown.isEmpty()) {
            return "";
        }
        return "\nNote: no other user or client is in " + (unknown.size() == 1 ? "area " : "areas ")
                + String.join(", ", unknown) + " (areas so far: " + String.join(", ", new java.util.TreeSet<>(known))
                + "). If that is a typing mistake, " + undo + ".";
    }

    /** A client that authenticates with signed JWTs; the key file is read by the server (an absolute path). */
    public String createClient(String id, String area, boolean anySender, String publicKeyFile) {
        return createClient(id, area, anySender, publicKeyFile, List.of(), List.of());
    }

    /**
     * A client with the sender identities it is bound to: the BaRS source endpoints it sends from and the ODS codes of
     * the organisations it sends for.
     */
    public String createClient(String id, String area, boolean anySender, String publicKeyFile, List<String> endpoints,
                               List<String> odsCodes) {
        SenderIdentities.Registered senders = senders(endpoints, odsCodes);
        if (publicKeyFile == null) {
            Set<String> known = areaDirectory.areas();
            String secret = clients.createClient(id, area, anySender, senders);
            audit.record(operator, AuditLog.Action.ADMIN, "Client", "create " + id, null);
            return "Created client " + id + " with secret: " + secret + "\nKeep it safe: it cannot be shown again.\n"
                    + describeSenders(id, anySender, senders)
                    + newAreas(Set.of(area), known, undoClient(id));
        }
        java.nio.file.Path file = java.nio.file.Path.of(publicKeyFile);
        String text;
        try {
            if (java.nio.file.Files.size(file) > 64_000) {
                throw WaymarkException.invalid("The public key file is too large");
            }
            text = java.nio.file.Files.readString(file);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw WaymarkException.invalid("Cannot read the public key file " + publicKeyFile);
        }
        Set<String> known = areaDirectory.areas();
        String jwks = clients.createKeyClient(id, area, anySender, text, senders);
        audit.record(operator, AuditLog.Action.ADMIN, "Client", "create " + id + " with public key", null);
        return "Created client " + id + " with public key(s):\n" + jwks + "\nIt authenticates with signed JWTs "
                + "(client_assertion_type=" + org.waymark.platform.internal.security.ClientAssertions.TYPE + "); it has no secret.\n"
                + describeSenders(id, anySender, senders)
                + newAreas(Set.of(area), known, undoClient(id));
    }

    /** How a client created in a mistyped area is undone (a client id cannot be created twice). */
    private static String undoClient(String id) {
        return "disable the client (./waymark client-disable " + id + ") and register it again under another id";
    }

    public String createClient(String id, String area, boolean anySender) {
        return createClient(id, area, anySender, null);
    }

    /** A new secret for a client whose secret leaked: the old one and its tokens stop working on every node. */
    public String newClientSecret(String id) {
        String secret = clients.newClientSecret(id);
        audit.record(operator, AuditLog.Action.ADMIN, "Client", "new secret " + id, null);
        return "New secret of client " + id + ": " + secret + "\nKeep it safe: it cannot be shown again. The old secret "
                + "and the tokens issued with it no longer work (on other nodes within a minute).";
    }

    public String setClientEnabled(String id, boolean enabled) {
        clients.setClientEnabled(id, enabled);
        audit.record(operator, AuditLog.Action.ADMIN, "Client", (enabled ? "enable " : "disable ") + id, null);
        return enabled ? "Enabled client " + id
                : "Disabled client " + id + ": it gets no token, and its tokens no longer work (on other nodes within a minute)";
    }

    /** The sender identities of a client, as the operator reads them. */
    public String clientSenders(String id) {
        boolean anySender = clients.anySender(id).orElseThrow(() -> WaymarkException.notFound("No client " + id));
        return "Client " + id + ":\n" + describeSenders(id, anySender, clients.of(id));
    }

    /** Replaces what a client sends as; an empty registration leaves it unable to send BaRS messages. */
    public String replaceClientSenders(String id, List<String> endpoints, List<String> odsCodes) {
        SenderIdentities.Registered senders = senders(endpoints, odsCodes);
        clients.replaceSenders(id, senders);
        audit.record(operator, AuditLog.Action.ADMIN, "Client", "senders " + id, null);
        return "Changed client " + id + ":\n" + clientSenders(id).lines().skip(1).collect(java.util.stream.Collectors.joining("\n"));
    }

    private static SenderIdentities.Registered senders(List<String> endpoints, List<String> odsCodes) {
        return new SenderIdentities.Registered(
                endpoints.stream().map(SenderIdentities.Registered::endpoint).collect(java.util.stream.Collectors.toSet()),
                odsCodes.stream().map(SenderIdentities.Registered::odsCode).collect(java.util.stream.Collectors.toSet()));
    }

    static String describeSenders(String id, boolean anySender, SenderIdentities.Registered senders) {
        StringBuilder text = new StringBuilder();
        text.append("  endpoints: ").append(senders.endpoints().isEmpty() ? "none" : String.join(", ", senders.endpoints()));
        text.append("\n  ODS codes: ").append(senders.odsCodes().isEmpty() ? "none (any organisation it names)"
                : String.join(", ", senders.odsCodes()));
        if (anySender) {
            text.append("\n  It may send as any sender (integration testing only): these are not enforced.");
        } else if (senders.endpoints().isEmpty()) {
            text.append("\n  It cannot send BaRS messages until an endpoint is registered: ./waymark client-senders " + id
                    + " --endpoint URL");
        }
        return text.toString();
    }

    /** Runs one command line given as words, as {@code ./waymark} sends them. */
    public String run(List<String> words) {
        if (words.isEmpty()) {
            throw WaymarkException.invalid(usage());
        }
        AdminCommand command = contributed.find(words.get(0)).orElse(null);
        if (command != null) {
            String result = command.run(words.subList(1, words.size()));
            audit.record(operator, AuditLog.Action.ADMIN, "Command", words.get(0), null);
            return result;
        }
        if (words.get(0).equals("plugins")) {
            return formatPlugins(plugins());
        }
        if (words.get(0).equals("jobs")) {
            Arguments options = Arguments.parse(words.subList(1, words.size()), false);
            return formatJobs(jobs(parseState(options.option("--state", null)), number(options.option("--count", "50"))));
        }
        Arguments args = Arguments.parse(words.subList(1, words.size()));
        return switch (words.get(0)) {
            case "create-user" -> createUser(args.positional(), csv(args.option("--role", null)),
                    csv(args.option("--area", "default")), args.option("--password", null));
            case "create-client" -> createClient(args.positional(), args.option("--area", "default"), args.flag("--any-sender"),
                    args.option("--public-key", null), args.all("--endpoint"), args.all("--ods"));
            case "client-senders" -> {
                if (args.flag("--clear")) {
                    if (!args.all("--endpoint").isEmpty() || !args.all("--ods").isEmpty()) {
                        throw WaymarkException.invalid("--clear removes every endpoint and ODS code; give it alone");
                    }
                    yield replaceClientSenders(args.positional(), List.of(), List.of());
                }
                yield args.all("--endpoint").isEmpty() && args.all("--ods").isEmpty() ? clientSenders(args.positional())
                        : replaceClientSenders(args.positional(), args.all("--endpoint"), args.all("--ods"));
            }
            case "client-secret" -> newClientSecret(args.positional());
            case "client-disable" -> setClientEnabled(args.positional(), false);
            case "client-enable" -> setClientEnabled(args.positional(), true);
            case "replay" -> "Replayed job " + replay(operator, args.positional()).id();
            case "plugin-approve" -> "Approved " + args.positional() + " "
                    + String.join(", ", approvePlugin(operator, args.positional(), args.option("--version", null)));
            case "plugin-reset" -> {
                resetPlugin(operator, args.positional());
                yield "Plugin " + args.positional() + " is active again";
            }
            default -> throw WaymarkException.invalid("Unknown command '" + words.get(0) + "'\n" + usage());
        };
    }

    private static Set<String> csv(String value) {
        if (value == null) {
            throw WaymarkException.invalid("--role is required\n" + USAGE);
        }
        return new LinkedHashSet<>(Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList());
    }

    private static String generatedPassword() {
        return java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    private record Arguments(String positional, java.util.Map<String, List<String>> options, Set<String> flags) {
        static Arguments parse(List<String> words) {
            return parse(words, true);
        }

        static Arguments parse(List<String> words, boolean positionalRequired) {
            String positional = null;
            java.util.Map<String, List<String>> options = new java.util.HashMap<>();
            Set<String> flags = new java.util.HashSet<>();
            for (int i = 0; i < words.size(); i++) {
                String word = words.get(i);
                if (word.equals("--any-sender") || word.equals("--clear")) {
                    flags.add(word);
                } else if (word.startsWith("--")) {
                    if (i + 1 >= words.size()) {
                        throw WaymarkException.invalid(word + " needs a value\n" + USAGE);
                    }
                    options.computeIfAbsent(word, k -> new java.util.ArrayList<>()).add(words.get(++i));
                } else if (positional == null) {
                    positional = word;
                } else {
                    throw WaymarkException.invalid("Unexpected argument '" + word + "'\n" + USAGE);
                }
            }
            if (positional == null && positionalRequired) {
                throw WaymarkException.invalid("A name is required\n" + USAGE);
            }
            return new Arguments(positional, options, flags);
        }

        /** The option's value; given twice, the last one counts. */
        String option(String name, String fallback) {
            List<String> values = options.get(name);
            return values == null ? fallback : values.get(values.size() - 1);
        }

        /** Every value of a repeatable option, in the order given. */
        List<String> all(String name) {
            return options.getOrDefault(name, List.of());
        }

        boolean flag(String name) {
            return flags.contains(name);
        }
    }
}
