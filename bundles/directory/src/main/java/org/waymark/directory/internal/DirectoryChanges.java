package org.waymark.directory.internal;

import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AreaDirectory;
import org.waymark.api.security.Caller;

/**
 * Who may change what every area relies on. The directory is shared by the deployment's areas; where a change decides
 * where personal data goes (a service's email receives onward referrals with a note about the person), only an admin
 * of every area may make it, as only such an admin may set a directory service's contact details (/api/contacts).
 * On a deployment of one area that is each of its admins.
 */
final class DirectoryChanges {
    private DirectoryChanges() {
    }

    static void requireAdminOfEveryArea(AreaDirectory areas, Caller caller, String why) {
        if (!areas.administersEveryArea(caller)) {
            throw WaymarkException.forbidden(why + ": only an admin of every area of this deployment may change it");
        }
    }
}
