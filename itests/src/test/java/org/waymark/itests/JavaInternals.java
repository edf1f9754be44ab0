package org.waymark.itests;

import java.util.regex.Pattern;

/** What of Java's insides must never reach a client in an answer: one definition for every test that looks. */
final class JavaInternals {
    /**
     * Fully qualified class or package names (org.eclipse.jetty.server.Foo, java.lang.NullPointerException,
     * ca.uhn.fhir...), stack frames ("at org.x.Y.m(" or "at java.base/..."), "Caused by:", and exception or error class
     * names (SQLException, StackOverflowError).
     */
    static final Pattern PATTERN = Pattern.compile(
            "\\b(?:java|javax|jakarta|sun|jdk|liquibase|com|org|ca\\.uhn)\\.[a-z][a-z0-9_]*\\.[A-Za-z0-9_.$]+"
                    + "|(?m)^\\s*at [\\w.$/]+\\(|\\bat [a-z]+\\.[a-z]+\\.|Caused by:|\\w+(?:Exception|Error)\\b");

    private JavaInternals() {
    }
}
