package org.waymark.directory.internal;

import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.waymark.platform.http.SecurityHeaders;

/** The small pages that one-time links open: plain HTML, no script; the platform's strict policy allows their one style. */
final class Pages {

    private Pages() {
    }

    static Response html(int status, String title, String body) {
        String page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>"
                + "<meta name=\"viewport\" content=\"width=device-width\"><style>" + SecurityHeaders.PAGE_STYLE
                + "</style></head><body><h1>" + escape(title) + "</h1>" + body + "</body></html>";
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page).build();
    }

    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&#39;");
    }
}
