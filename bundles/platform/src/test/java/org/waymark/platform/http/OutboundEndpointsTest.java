package org.waymark.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class OutboundEndpointsTest {

    @Test
    void linkLocalAndUnspecifiedAddressesAreRefusedButLoopbackAndPrivateOnesAreNot() {
        assertThat(OutboundEndpoints.refusal("http://169.254.169.254/latest/meta-data/")).get().asString().contains("link-local");
        assertThat(OutboundEndpoints.refusal("http://[fe80::1]/")).get().asString().contains("link-local");
        assertThat(OutboundEndpoints.refusal("http://[fe80::1%25nosuchif]/")).as("an unknown zone").isPresent();
        assertThat(OutboundEndpoints.refusal("http://[::]/")).get().asString().contains("not the address of one host");
        assertThat(OutboundEndpoints.refusal("http://224.0.0.1/")).get().asString().contains("not the address of one host");
        assertThat(OutboundEndpoints.refusal("gopher://gp.example/")).get().asString().contains("http or https");
        assertThat(OutboundEndpoints.refusal("http://127.0.0.1:18799/gp")).isEmpty();
        assertThat(OutboundEndpoints.refusal("http://192.168.1.20/fhir")).isEmpty();
        assertThat(OutboundEndpoints.refusal("https://[::1]:8443/fhir")).isEmpty();
        assertThat(OutboundEndpoints.refusal("https://gp-system.example/fhir/$process-message")).as("names are checked when sending")
                .isEmpty();
    }

    @Test
    void aFailedConnectionIsToldInPlainWordsWithoutClassNames() {
        assertThat(OutboundEndpoints.describe(new ConnectException("Connection refused"))).isEqualTo("connection refused");
        assertThat(OutboundEndpoints.describe(new IOException("wrapped", new ConnectException()))).isEqualTo("connection refused");
        assertThat(OutboundEndpoints.describe(new HttpConnectTimeoutException("HTTP connect timed out"))).isEqualTo("timed out");
        assertThat(OutboundEndpoints.describe(new HttpTimeoutException("request timed out"))).isEqualTo("timed out");
        assertThat(OutboundEndpoints.describe(new IOException(new UnknownHostException("gp.invalid")))).isEqualTo("host not found");
        assertThat(OutboundEndpoints.describe(new SSLHandshakeException("PKIX path building failed"))).isEqualTo("TLS handshake failed");
        assertThat(OutboundEndpoints.describe(new IOException("java.lang.IllegalStateException: odd"))).isEqualTo("connection failed");
    }
}
