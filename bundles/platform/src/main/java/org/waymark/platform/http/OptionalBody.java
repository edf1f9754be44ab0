package org.waymark.platform.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the JSON body parameter of a resource method that may be sent without a body, which then reaches it as
 * {@code null}. Every other JSON body is required: an empty one is a 400, because a method reading {@code null} as
 * "nothing to keep" erased data on an empty PUT. Use it only where no body has a meaning of its own and loses nothing
 * (approving every installed version of a plugin).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface OptionalBody {
}
