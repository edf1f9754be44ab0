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
@Command(scope = "waymark", name = "client-senders", description = "Shows, or replaces, the endpoints and ODS codes a machine client sends as")
public class ClientSendersCommand implements Action {
    @Reference
    AdminCommands admin;

    @Argument(index = 0, name = "id", required = true, description = "client id")
    String id;

    @Option(name = "--endpoint", multiValued = true, description = "a BaRS MessageHeader.source.endpoint the client sends from (repeatable)")
    List<String> endpoints = new ArrayList<>();

    @Option(name = "--ods", multiValued = true, description = "the ODS code of an organisation the client sends for (repeatable)")
    List<String> odsCodes = new ArrayList<>();

    @Option(name = "--clear", description = "remove every endpoint and ODS code (the client can no longer send BaRS messages)")
    boolean clear;

    @Override
    public Object execute() {
        List<String> words = new ArrayList<>(List.of("client-senders", id));
        (endpoints == null ? List.<String>of() : endpoints).forEach(e -> words.addAll(List.of("--endpoint", e)));
        (odsCodes == null ? List.<String>of() : odsCodes).forEach(o -> words.addAll(List.of("--ods", o)));
        if (clear) {
            words.add("--clear");
        }
        return admin.run(words);
    }
}
