package org.waymark.console.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;

/**
 * Serves the console's static files from this bundle. Everything is local (no CDN): the platform's security headers
 * (a Content Security Policy that allows scripts and styles only from this origin) apply to every file. The files are
 * public: data comes only from /api, which checks the session.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/console/*",
        "osgi.http.whiteboard.servlet.pattern=/console",
        "osgi.http.whiteboard.servlet.name=waymark-console"})
public final class ConsoleServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=UTF-8", "js", "text/javascript;charset=UTF-8", "css", "text/css;charset=UTF-8",
            "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon", "json", "application/json");

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null) {
            response.sendRedirect("/console/");
            return;
        }
        String file = path.equals("/") ? "/index.html" : path;
        String type = type(file);
        URL resource = type == null || file.contains("..") ? null : getClass().getResource("/web" + file);
        if (resource == null) {
            response.sendError(404);
            return;
        }
        response.setContentType(type);
        response.setHeader("Cache-Control", file.endsWith(".html") ? "no-cache" : "max-age=300");
        try (InputStream in = resource.openStream()) {
            in.transferTo(response.getOutputStream());
        }
    }

    static String type(String file) {
        int dot = file.lastIndexOf('.');
        return dot < 0 ? null : TYPES.get(file.substring(dot + 1));
    }
}
