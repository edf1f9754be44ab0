package org.waymark.platform.internal.jaxrs;

import java.util.Map;

/**
 * One Jersey application on its own servlet path. Resources choose theirs with the OSGi JAX-RS whiteboard property
 * {@code osgi.jaxrs.application.select}, e.g. {@code (osgi.jaxrs.name=fhir)}; without it they join {@code .default},
 * which is {@code /api}.
 *
 * @param problemJson whether the platform maps errors to RFC 9457 problem+json here (the FHIR bundle brings
 *                    OperationOutcome mappers for its own application)
 * @param challenge   the WWW-Authenticate challenge of a 401
 */
record JaxRsApplication(String name, String path, boolean problemJson, String challenge) {
    static final String DEFAULT = ".default";

    Map<String, Object> properties() {
        return Map.of("osgi.jaxrs.name", name, "osgi.jaxrs.application.base", path);
    }
}
