package org.waymark.notifications.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "waymark", name = "set-contact", description = "Sets how a person, organisation, member of staff or team is reached")
public class SetContactShellCommand implements Action {
    @Reference
    SetContactCommand command;

    @Argument(index = 0, name = "words", multiValued = true, required = true,
            description = "KIND ID [--email ADDRESS] [--fhir URL] [--sms NUMBER] [--prefer CHANNEL] [--do-not-contact yes|no]")
    List<String> words;

    @Override
    public Object execute() {
        return command.run(words);
    }
}
