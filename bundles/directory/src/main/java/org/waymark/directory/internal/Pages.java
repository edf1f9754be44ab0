package org.waymark.directory.internal;

import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/** The small pages that one-time links open: plain HTML, no script, a strict Content Security Policy. */
final class Pages {
    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

    private Pages() {
    }

    static Response html(int status, String title, String body) {
        String page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>"
                + "<meta name=\"viewport\" content=\"width=device-width\"><style>body{font-family:sans-serif;max-width:40em;"
                + "margin:2em auto;padding:0 1em}</style></head><body><h1>" + escape(title) + "</h1>" + body + "</body></html>";
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page)
                .header("Content-Security-Policy", CSP).header("Referrer-Policy", "no-referrer").build();
    }

    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&#39;");
    }
}
