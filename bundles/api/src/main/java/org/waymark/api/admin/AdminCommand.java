package org.waymark.api.admin;

import java.util.List;

/**
 * An operator command that a bundle adds to {@code ./waymark} (through the admin socket). Registered as an OSGi
 * service; the platform dispatches by {@link #name()} and audits every run.
 */
public interface AdminCommand {

    String name();

    /** One or more lines for the usage text. */
    String usage();

    /**
     * Runs the command.
     *
     * @param arguments the words after the command name
     * @return the text to print
     * @throws org.waymark.api.error.WaymarkException with kind INVALID for a wrong call (the usage is shown)
     */
    String run(List<String> arguments);
}
