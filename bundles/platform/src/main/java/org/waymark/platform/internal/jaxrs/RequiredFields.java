package org.waymark.platform.internal.jaxrs;

import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import org.waymark.platform.http.RequiredField;

/** Reads {@link RequiredField} as Jackson's own "required", which a record's constructor then enforces. */
final class RequiredFields extends JacksonAnnotationIntrospector {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean hasRequiredMarker(AnnotatedMember member) {
        return member.hasAnnotation(RequiredField.class) ? Boolean.TRUE : super.hasRequiredMarker(member);
    }
}
