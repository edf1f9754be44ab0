package org.waymark.pathfinder.sheffield.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the Sheffield plugin (PID {@code org.waymark.pathfinder.sheffield.internal.LetterChannel}). */
@ObjectClassDefinition(name = "Sheffield pathfinder")
public @interface SheffieldConfig {

    @AttributeDefinition(description = "Folder the print room collects letters from; empty: $WAYMARK_DATA/letters/sheffield")
    String lettersFolder() default "";
}
