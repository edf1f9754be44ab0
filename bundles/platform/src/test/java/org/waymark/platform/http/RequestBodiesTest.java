package org.waymark.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import javax.ws.rs.core.MediaType;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;

class RequestBodiesTest {
    private static final String NAME = "{\"family\":\"Bront\u00eb\"}";

    @Test
    void latin1BytesSentWithoutACharsetAreRefusedNotReplaced() {
        byte[] latin1 = NAME.getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> RequestBodies.decode(latin1, MediaType.valueOf("application/fhir+json")))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID))
                .hasMessage("The body is not valid UTF-8");
        assertThatThrownBy(() -> RequestBodies.decode(latin1, MediaType.valueOf("application/fhir+json; charset=utf-8")))
                .hasMessage("The body is not valid UTF-8");
        assertThatThrownBy(() -> RequestBodies.decode(latin1, null)).hasMessage("The body is not valid UTF-8");
    }

    @Test
    void utf8AndADeclaredCharsetAreRead() {
        assertThat(RequestBodies.decode(NAME.getBytes(StandardCharsets.UTF_8), MediaType.valueOf("application/fhir+json;version=1.1.0")))
                .isEqualTo(NAME);
        assertThat(RequestBodies.decode(NAME.getBytes(StandardCharsets.ISO_8859_1),
                MediaType.valueOf("application/fhir+json;charset=ISO-8859-1"))).isEqualTo(NAME);
        assertThat(RequestBodies.decode(new byte[0], MediaType.valueOf("application/fhir+json"))).isEmpty();
    }

    /** A JSON referral from a Windows sender, with a byte order mark, was refused as not starting with '{'. */
    @Test
    void aByteOrderMarkIsNotPartOfTheText() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] name = NAME.getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[bom.length + name.length];
        System.arraycopy(bom, 0, withBom, 0, bom.length);
        System.arraycopy(name, 0, withBom, bom.length, name.length);
        assertThat(RequestBodies.decode(withBom, MediaType.valueOf("application/fhir+json"))).isEqualTo(NAME);
        assertThat(RequestBodies.decode(("\uFEFF" + NAME).getBytes(StandardCharsets.UTF_16BE),
                MediaType.valueOf("application/json;charset=UTF-16BE"))).isEqualTo(NAME);
    }

    @Test
    void anUnknownCharsetIsAnUnsupportedMediaType() {
        assertThatThrownBy(() -> RequestBodies.decode(new byte[] {'{', '}'}, MediaType.valueOf("application/fhir+json;charset=klingon")))
                .isInstanceOfSatisfying(WaymarkException.class,
                        e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.UNSUPPORTED_MEDIA_TYPE))
                .hasMessage("The charset klingon is not supported; send UTF-8");
    }
}
