package org.waymark.platform.http;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Addresses Waymark sends to on its own (registered FHIR endpoints): which it refuses, and how a failed send is told
 * in plain words. Refused are anything but http(s) and link-local addresses (169.254.0.0/16 and fe80::/10, where
 * cloud metadata services answer), the unspecified address and multicast. Loopback and private addresses stay
 * allowed: GP systems on the HSCN and receivers on the same host are reached through them, and only admins of the
 * organisation's area register an organisation's endpoint.
 */
public final class OutboundEndpoints {
    /** Hosts that are (or may be read as) IP address literals: dotted or bare numbers, hex numbers, IPv6. */
    private static final Pattern NUMERIC_HOST = Pattern.compile("[0-9.]+|(?i)0x[0-9a-fx.]+|\\[.*\\]");

    private OutboundEndpoints() {
    }

    /** Why Waymark will not send to this URL, judged without looking the host name up; empty when it may. */
    public static Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            return Optional.of("it is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return Optional.of("it must be an http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("it must not carry a user name or password");
        }
        String host = uri.getHost();
        if (!NUMERIC_HOST.matcher(host).matches()) {
            return Optional.empty(); // a name: its addresses are checked when sending
        }
        try {
            return refusal(InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host));
        } catch (UnknownHostException e) {
            return Optional.of("its host is not a valid IP address");
        }
    }

    /** Why Waymark will not send to this address; empty when it may. */
    public static Optional<String> refusal(InetAddress address) {
        if (address.isLinkLocalAddress()) {
            return Optional.of("it is a link-local address (169.254.0.0/16, fe80::/10), where cloud metadata services answer");
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return Optional.of("it is not the address of one host");
        }
        return Optional.empty();
    }

    /** A failed connection in plain words, for job and plugin listings: no class names, no addresses. */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
                return "timed out";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "host not found";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof SSLException) {
                return "TLS handshake failed";
            }
            if (t instanceof SocketException) {
                return "connection reset";
            }
        }
        return "connection failed";
    }
}
