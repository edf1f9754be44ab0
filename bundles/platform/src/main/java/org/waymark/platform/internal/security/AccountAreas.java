package org.waymark.platform.internal.security;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.security.AreaDirectory;

/**
 * The deployment's areas, as its users and clients name them: there is no list of areas elsewhere, so an area exists
 * as soon as someone works in it or a GP system sends to it.
 */
@Component(service = AreaDirectory.class)
public final class AccountAreas implements AreaDirectory {
    private final UserAccounts users;
    private final ClientAccounts clients;

    @Activate
    public AccountAreas(@Reference UserAccounts users, @Reference ClientAccounts clients) {
        this.users = users;
        this.clients = clients;
    }

    @Override
    public Optional<Set<String>> areasOfUser(String username) {
        return users.areasOfUser(username);
    }

    @Override
    public Optional<String> areaOfClient(String clientId) {
        return clients.areaOfClient(clientId);
    }

    @Override
    public Set<String> areas() {
        Set<String> areas = new TreeSet<>(users.userAreas());
        clients.clientAreas().forEach(area -> areas.add(area.strip()));
        return areas;
    }
}
