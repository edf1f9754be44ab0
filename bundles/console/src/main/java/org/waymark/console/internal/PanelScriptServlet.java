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
 * Serves a plugin panel's script (the platform's header filter adds the CSP and the other security headers) at
 * {@code /console/panels/{id}.js}, from the plugin's {@code ConsolePanel}. Like the console's own files it is code, not
 * data, and public. The console asks for it at the address the panel list gives, which names the plugin's version
 * ({@code ?v=}): that version's script never changes, so the browser may keep it; any other address (an earlier
 * version's, or none) gets the script in use now, never kept, so an upgrade shows at the next page load.
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

    /** Kept by the browser only where the address names the version served: another version has another address. */
    static String cacheControl(String asked, String served) {
        return served.equals(asked) ? "private, max-age=31536000, immutable" : "no-store";
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        String id = path == null || !path.matches("/[a-z0-9-]{1,64}\\.js") ? null : path.substring(1, path.length() - 3);
        Optional<ConsolePanels.Script> script = id == null ? Optional.empty() : panels.script(id);
        if (script.isEmpty()) {
            response.sendError(404);
            return;
        }
        response.setContentType("text/javascript;charset=UTF-8");
        response.setHeader("Cache-Control", cacheControl(request.getParameter("v"), script.get().version()));
        response.getOutputStream().write(script.get().text().getBytes(StandardCharsets.UTF_8));
    }
}
