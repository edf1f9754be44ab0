package org.waymark.platform.internal.plugins;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why Karaf refused a {@code .kar}, in words an admin or the plugin's developer can act on: the resolver's message is a
 * nest of requirement filters and exception names, and it was only in the log.
 */
final class KarFailureReason {
    private static final Pattern MISSING = Pattern.compile(
            "missing requirement \\[([^\\]/]+)/([^\\]]+)\\] ([a-z.]+); (.*?)(?: \\[caused by|$)");
    private static final Pattern PACKAGE = Pattern.compile("osgi\\.wiring\\.package=([\\w.$]+)");
    private static final Pattern LOWER = Pattern.compile("\\(version>=([\\w.-]+)\\)");
    private static final Pattern UPPER = Pattern.compile("\\(!\\(version>=([\\w.-]+)\\)\\)");
    private static final Pattern IDENTITY = Pattern.compile("osgi\\.identity=([\\w.-]+); type=karaf\\.feature");
    private static final Pattern NO_FEATURE = Pattern.compile("No matching features for ([\\w.-]+)");
    private static final Pattern SERVICE = Pattern.compile("objectClass=([\\w.$]+)");
    private static final Pattern EXTENDER = Pattern.compile("osgi\\.extender=([\\w.-]+)");
    private static final Pattern EE = Pattern.compile("version=([\\d.]+)");

    private KarFailureReason() {
    }

    /** @param failure what Karaf's feature installation threw (its whole chain of messages is read) */
    static String of(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                messages.append(t.getMessage()).append('\n');
            }
        }
        return of(messages.toString());
    }

    static String of(String messages) {
        Matcher noFeature = NO_FEATURE.matcher(messages);
        if (noFeature.find()) {
            return "it needs the feature " + noFeature.group(1) + ", which this server does not have";
        }
        // The innermost requirement is the one to meet: the outer ones only say what needed what.
        Matcher missing = MISSING.matcher(messages);
        String who = null;
        String namespace = null;
        String detail = null;
        while (missing.find()) {
            who = missing.group(1) + " " + missing.group(2);
            namespace = missing.group(3);
            detail = missing.group(4);
        }
        if (namespace == null) {
            return "Karaf could not install its features (the server's log says why, under the file's name)";
        }
        String needs = switch (namespace) {
            case "osgi.wiring.package" -> {
                Matcher name = PACKAGE.matcher(detail);
                yield name.find() ? "the package " + name.group(1) + versions(detail)
                        + ", which neither Waymark nor an installed plugin exports" : null;
            }
            case "osgi.identity" -> {
                Matcher feature = IDENTITY.matcher(detail);
                yield feature.find() ? "the feature " + feature.group(1) + ", which this server does not have" : null;
            }
            case "osgi.service" -> {
                Matcher service = SERVICE.matcher(detail);
                yield service.find() ? "a service " + service.group(1).substring(service.group(1).lastIndexOf('.') + 1)
                        + ", which nothing installed offers" : null;
            }
            case "osgi.extender" -> {
                Matcher extender = EXTENDER.matcher(detail);
                yield extender.find() ? "the extender " + extender.group(1) + versions(detail) + ", which this server does not run" : null;
            }
            case "osgi.ee" -> {
                Matcher ee = EE.matcher(detail);
                yield "Java " + (ee.find() ? ee.group(1) : "of another version") + ", and this server runs Java "
                        + Runtime.version().feature();
            }
            default -> null;
        };
        if (needs == null) {
            needs = "something this server does not have (" + namespace + ")";
        }
        return "its bundle " + who + " needs " + needs;
    }

    private static String versions(String filter) {
        Matcher lower = LOWER.matcher(filter);
        Matcher upper = UPPER.matcher(filter);
        String from = lower.find() ? lower.group(1) : null;
        String to = upper.find() ? upper.group(1) : null;
        if (from == null && to == null) {
            return "";
        }
        return " (version " + (from == null ? "" : from + " or later") + (from != null && to != null ? ", " : "")
                + (to == null ? "" : "before " + to) + ")";
    }
}
