package org.waymark.platform.internal.admin;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.internal.security.AccountStore;

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
            "  create-client ID [--area AREA] [--any-sender]",
            "      prints the client secret once; it is stored only as a hash.");

    private final AccountStore accounts;
    private final AuditLog audit;
    private final Caller operator = Caller.system("operator");

    @Activate
    public AdminCommands(@Reference AccountStore accounts, @Reference AuditLog audit) {
        this.accounts = accounts;
        this.audit = audit;
    }

    public String createUser(String name, Set<String> roles, Set<String> areas, String password) {
        String secret = password == null ? generatedPassword() : password;
        accounts.createUser(new AccountStore.NewUser(name, secret, roles, areas));
        audit.record(operator, AuditLog.Action.ADMIN, "User", "create " + name, null);
        return password == null ? "Created user " + name + " with password: " + secret : "Created user " + name;
    }

    public String createClient(String id, String area, boolean anySender) {
        String secret = accounts.createClient(id, area, anySender);
        audit.record(operator, AuditLog.Action.ADMIN, "Client", "create " + id, null);
        return "Created client " + id + " with secret: " + secret + "\nKeep it safe: it cannot be shown again.";
    }

    /** Runs one command line given as words, as {@code ./waymark} sends them. */
    public String run(List<String> words) {
        if (words.isEmpty()) {
            throw WaymarkException.invalid(USAGE);
        }
        Arguments args = Arguments.parse(words.subList(1, words.size()));
        return switch (words.get(0)) {
            case "create-user" -> createUser(args.positional(), csv(args.option("--role", null)),
                    csv(args.option("--area", "default")), args.option("--password", null));
            case "create-client" -> createClient(args.positional(), args.option("--area", "default"), args.flag("--any-sender"));
            default -> throw WaymarkException.invalid("Unknown command '" + words.get(0) + "'\n" + USAGE);
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

    private record Arguments(String positional, java.util.Map<String, String> options, Set<String> flags) {
        static Arguments parse(List<String> words) {
            String positional = null;
            java.util.Map<String, String> options = new java.util.HashMap<>();
            Set<String> flags = new java.util.HashSet<>();
            for (int i = 0; i < words.size(); i++) {
                String word = words.get(i);
                if (word.equals("--any-sender")) {
                    flags.add(word);
                } else if (word.startsWith("--")) {
                    if (i + 1 >= words.size()) {
                        throw WaymarkException.invalid(word + " needs a value\n" + USAGE);
                    }
                    options.put(word, words.get(++i));
                } else if (positional == null) {
                    positional = word;
                } else {
                    throw WaymarkException.invalid("Unexpected argument '" + word + "'\n" + USAGE);
                }
            }
            if (positional == null) {
                throw WaymarkException.invalid("A name is required\n" + USAGE);
            }
            return new Arguments(positional, options, flags);
        }

        String option(String name, String fallback) {
            return options.getOrDefault(name, fallback);
        }

        boolean flag(String name) {
            return flags.contains(name);
        }
    }
}
