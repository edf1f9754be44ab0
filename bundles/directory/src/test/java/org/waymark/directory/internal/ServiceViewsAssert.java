package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;

final class ServiceViewsAssert {
    private ServiceViewsAssert() {
    }

    static void hasService(Catalog catalog, String id, String name) {
        assertThat(catalog.get(Kind.SERVICE, id)).as("service " + id).isPresent();
        assertThat(catalog.get(Kind.SERVICE, id).orElseThrow().path("name").asText()).isEqualTo(name);
    }
}
