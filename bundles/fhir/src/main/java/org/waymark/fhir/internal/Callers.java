package org.waymark.fhir.internal;

import javax.ws.rs.core.SecurityContext;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;

final class Callers {
    private Callers() {
    }

    /** The authenticated caller; the platform's access control guarantees one on every non-public route. */
    static Caller of(SecurityContext security) {
        return CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
    }
}
