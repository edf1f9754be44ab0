package org.waymark.api.plugin;

/** A call into a plugin failed: it threw (the cause), timed out, or the plugin is marked failed. */
public class PluginCallException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean timedOut;

    public PluginCallException(String message, Throwable cause, boolean timedOut) {
        super(message, cause);
        this.timedOut = timedOut;
    }

    public boolean timedOut() {
        return timedOut;
    }
}
