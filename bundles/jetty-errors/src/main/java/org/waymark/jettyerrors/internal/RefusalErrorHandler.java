package org.waymark.jettyerrors.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BufferUtil;

/**
 * Jetty's server-wide error handler (set by this fragment's {@code jetty.xml}). It answers two kinds of request that
 * never reach a Waymark servlet, and so would otherwise get Jetty's HTML page: requests Jetty refuses while reading
 * them (an encoded NUL in the path, a request line over 8 KiB, oversized headers, a Content-Length with chunking), and
 * requests no servlet context takes, in the moment between Jetty listening and Pax Web registering the first one at
 * start, and again at stop. Errors inside a servlet context never come here: Pax Web gives each context its own handler.
 */
public final class RefusalErrorHandler extends ErrorHandler {
    /** Read once: the environment does not change while the node runs. */
    private final String hsts = Refusal.hsts(System::getenv);

    public RefusalErrorHandler() {
        setShowStacks(false);
        setShowServlet(false);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields fields) {
        Refusal refusal = Refusal.of(pathBeingRead(), status, reason, hsts);
        refusal.headers().forEach(fields::put);
        return BufferUtil.toBuffer(refusal.body());
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request, HttpServletResponse response,
                                              int code, String message) throws IOException {
        Refusal refusal = Refusal.unrouted(baseRequest.getRequestURI(), code, message, hsts);
        if (refusal == null) {
            super.generateAcceptableResponse(baseRequest, request, response, code, message);
            return;
        }
        response.setStatus(refusal.status());
        refusal.headers().forEach(response::setHeader);
        response.setContentLength(refusal.body().length);
        response.getOutputStream().write(refusal.body());
    }

    /**
     * The path of the request Jetty is refusing on this thread, if it read the request line: Jetty tells the handler
     * only the status and reason, and the connection being parsed is the one place that knows which surface was asked.
     */
    private static String pathBeingRead() {
        try {
            HttpConnection connection = HttpConnection.getCurrentConnection();
            if (connection == null) {
                return null;
            }
            // Empty when Jetty refused the request line itself (an encoded NUL, over 8 KiB): the caller then answers
            // problem+json, the one format that does not depend on the surface.
            MetaData.Request read = connection.getHttpChannel().getRequest().getMetaData();
            HttpURI uri = read == null ? null : read.getURI();
            return uri == null ? null : uri.getPath();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
