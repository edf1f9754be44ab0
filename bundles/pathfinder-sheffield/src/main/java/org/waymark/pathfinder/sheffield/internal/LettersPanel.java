package org.waymark.pathfinder.sheffield.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.osgi.service.component.annotations.Component;
import org.waymark.api.console.ConsolePanel;

/** The letters panel on Sheffield referrals: what was posted to the person, newest first. */
@Component(property = "waymark.area=sheffield")
public final class LettersPanel implements ConsolePanel {
    private final String script = load();

    private static String load() {
        try (InputStream in = LettersPanel.class.getResourceAsStream("/panel/sheffield-letters.js")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String id() {
        return "sheffield-letters";
    }

    @Override
    public String title() {
        return "Letters posted (Sheffield)";
    }

    @Override
    public String element() {
        return "sheffield-letters";
    }

    @Override
    public Placement placement() {
        return Placement.REFERRAL;
    }

    @Override
    public String script() {
        return script;
    }
}
