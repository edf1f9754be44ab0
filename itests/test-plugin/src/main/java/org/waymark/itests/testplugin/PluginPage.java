package org.waymark.itests.testplugin;

import java.io.IOException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;

/**
 * A servlet on the web server's own whiteboard, beside Waymark's routes: PathfinderPluginIT checks that it is not
 * served while the plugin awaits approval (a filter registered this way would see every request, secrets included).
 */
@Component(service = javax.servlet.Servlet.class, property = {"osgi.http.whiteboard.servlet.pattern=/test-plugin-page"})
public final class PluginPage extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().write("served by the test plugin");
    }
}
