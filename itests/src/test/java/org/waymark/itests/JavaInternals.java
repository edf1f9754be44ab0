package org.waymark.itests;

import java.util.regex.Pattern;

/** What of Java's insides must never reach a client in an answer: one definition for every test that looks. */
final class JavaInternals {
    /**
     * Fully qualified class or package names (org.eclipse.jetty.server.Foo, java.lang.NullPointerException,
     * ca.uhn.fhir...), stack frames ("at org.x.Y.m(" or "at java.base/..."), "Caused by:", and exception or error class
     * names (SQLException, StackOverflowError), and method calls on a class ("StreamReadConstraints.getMaxNestingDepth()",
     * as Jackson names the setting behind a limit it enforces).
     */
    static final Pattern PATTERN = Pattern.compile(
            "\\b(?:java|javax|jakarta|sun|jdk|liquibase|com|org|ca\\.uhn)\\.[a-z][a-z0-9_]*\\.[A-Za-z0-9_.$]+"
                    + "|(?m)^\\s*at [\\w.$/]+\\(|\\bat [a-z]+\\.[a-z]+\\.|Caused by:|\\w+(?:Exception|Error)\\b"
                    + "|\\b[A-Z][a-z0-9]+[A-Z][A-Za-z0-9_$]*\\.[a-z][A-Za-z0-9_$]*\\(");

    private JavaInternals() {
    }
}
