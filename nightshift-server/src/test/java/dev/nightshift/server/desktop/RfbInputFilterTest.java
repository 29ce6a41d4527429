package dev.nightshift.server.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RfbInputFilterTest {
    private static final byte[] HANDSHAKE =
            concat("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII), new byte[] {1, 1});
    private static final byte[] UPDATE_REQUEST = {3, 0, 0, 0, 0, 0, 0, 10, 0, 10};
    private static final byte[] POINTER = {5, 1, 0, 100, 0, 100};
    private static final byte[] KEY = {4, 1, 0, 0, 0, 0, 0, 0x61};
    private static final byte[] ENCODINGS = {2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1};

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] cutText(String text) {
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        return concat(new byte[] {6, 0, 0, 0, 0, 0, 0, (byte) t.length}, t);
    }

    @Test
    void passesTheHandshakeAndWhatWatchingNeedsAndDropsEveryInputMessage() throws Exception {
        RfbInputFilter filter = new RfbInputFilter();
        byte[] stream = concat(HANDSHAKE, ENCODINGS, POINTER, UPDATE_REQUEST, KEY, cutText("secret"), UPDATE_REQUEST);
        assertThat(filter.accept(stream)).isEqualTo(concat(HANDSHAKE, ENCODINGS, UPDATE_REQUEST, UPDATE_REQUEST));
        assertThat(filter.dropped()).isEqualTo(3);
    }

    @Test
    void messagesSplitAcrossFramesAnywhereAreStillRecognised() throws Exception {
        byte[] stream = concat(HANDSHAKE, POINTER, UPDATE_REQUEST, cutText("a longer clipboard text"), KEY, ENCODINGS);
        for (int cut = 1; cut < stream.length; cut++) {
            RfbInputFilter filter = new RfbInputFilter();
            ByteArrayOutputStream passed = new ByteArrayOutputStream();
            for (int i = 0; i < stream.length; i += cut) {
                passed.writeBytes(
                        filter.accept(java.util.Arrays.copyOfRange(stream, i, Math.min(stream.length, i + cut))));
            }
            assertThat(passed.toByteArray())
                    .as("in pieces of %d bytes", cut)
                    .isEqualTo(concat(HANDSHAKE, UPDATE_REQUEST, ENCODINGS));
        }
    }

    @Test
    void refusesWhatItCannotParseInsteadOfPassingItOn() {
        assertThatThrownBy(() -> new RfbInputFilter().accept("RFB 003.003\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(RfbInputFilter.Refused.class)
                .hasMessageContaining("version");
        assertThatThrownBy(() -> new RfbInputFilter()
                        .accept(concat("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII), new byte[] {2})))
                .hasMessageContaining("security type 2");
        assertThatThrownBy(() -> new RfbInputFilter().accept(concat(HANDSHAKE, new byte[] {(byte) 255, 0, 0, 0})))
                .hasMessageContaining("type 255");
        assertThatThrownBy(() ->
                        new RfbInputFilter().accept(concat(HANDSHAKE, new byte[] {2, 0, (byte) 0xff, (byte) 0xff})))
                .hasMessageContaining("limit");
    }
}
