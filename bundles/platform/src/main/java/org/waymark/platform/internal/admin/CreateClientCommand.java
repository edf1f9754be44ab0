package org.waymark.platform.internal.admin;

import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "waymark", name = "create-client", description = "Registers a machine client (GP system) and prints its secret once, or registers its public key")
public class CreateClientCommand implements Action {
    @Reference
    AdminCommands admin;

    @Argument(index = 0, name = "id", required = true, description = "client id")
    String id;

    @Option(name = "--area", description = "the area that receives this client's referrals")
    String area = "default";

    @Option(name = "--any-sender", description = "may send as any sender identity (integration testing only)")
    boolean anySender;

    @Option(name = "--public-key", description = "file with the client's public key (JWK, JWK set, PEM key or certificate): it signs JWTs (RFC 7523) instead of using a secret")
    String publicKey;

    @Option(name = "--endpoint", multiValued = true, description = "a BaRS MessageHeader.source.endpoint the client sends from (repeatable); without one it cannot send BaRS messages")
    List<String> endpoints = new ArrayList<>();

    @Option(name = "--ods", multiValued = true, description = "the ODS code of an organisation the client sends for (repeatable); without one, any it names")
    List<String> odsCodes = new ArrayList<>();

    @Override
    public Object execute() {
        return admin.createClient(id, area, anySender, publicKey, endpoints == null ? List.of() : endpoints,
                odsCodes == null ? List.of() : odsCodes);
    }
}
