package org.waymark.fhir.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;

/** The FHIR surface's settings, from the platform's configuration (WAYMARK_BASE_URL). */
@Component(service = FhirSettings.class, configurationPid = "org.waymark.platform", configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class FhirSettings {
    @interface Config {
        String baseUrl() default "";
    }

    private volatile String baseUrl;

    @Activate
    public FhirSettings(Config config) {
        modified(config);
    }

    @Modified
    void modified(Config config) {
        this.baseUrl = config.baseUrl();
    }

    String baseUrl() {
        return baseUrl;
    }
}
