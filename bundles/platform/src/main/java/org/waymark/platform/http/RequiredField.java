package org.waymark.platform.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field of a JSON request body that the caller must send, even if only as {@code null}. An absent field and a
 * {@code null} one read the same into a record, so a body of {@code {}} on a route where null means "clear" erased what
 * it never named (found probing the care plan: {@code {}} emptied "what matters to me"). With this mark, {@code {}} is
 * a 400 naming the field, and clearing takes an explicit {@code null}. Lives here, not as Jackson's own annotation, so
 * that bundles with request bodies need not depend on Jackson.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.FIELD})
public @interface RequiredField {
}
