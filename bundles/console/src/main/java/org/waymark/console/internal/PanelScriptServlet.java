package org.waymark.console.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Serves a plugin panel's script (the platform's header filter adds the CSP and the other security headers) at {@code /console/panels/{id}.js}, from the plugin's {@code ConsolePanel}. Like the
 * console's own files it is code, not data, and public; it is never cached, so a redeployed plugin shows its new panel.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/console/panels/*",
        "osgi.http.whiteboard.servlet.name=waymark-console-panels"})
public final class PanelScriptServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient ConsolePanels panels;

    @Activate
    public PanelScriptServlet(@Reference ConsolePanels panels) {
        this.panels = panels;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        String id = path == null || !path.matches("/[a-z0-9-]{1,64}\\.js") ? null : path.substring(1, path.length() - 3);
        Optional<String> script = id == null ? Optional.empty() : panels.script(id);
        if (script.isEmpty()) {
            response.sendError(404);
            return;
        }
        response.setContentType("text/javascript;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(script.get().getBytes(StandardCharsets.UTF_8));
    }
}
