package dev.nightshift.server.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MediaFormatsTest {
    private static byte[] box(String type, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length);
        b.putInt(8 + body.length)
                .put(type.getBytes(StandardCharsets.ISO_8859_1))
                .put(body);
        return b.array();
    }

    private static byte[] mvhd(int timescale, int duration) {
        ByteBuffer b = ByteBuffer.allocate(100);
        b.putInt(0).putInt(0).putInt(0).putInt(timescale).putInt(duration);
        return box("mvhd", b.array());
    }

    @Test
    void aPngSaysItsSizeAndAnythingElseIsRefused() {
        byte[] png = MediaApiTest.PNG;
        assertThat(MediaFormats.png(Arrays.copyOf(png, MediaFormats.HEAD_BYTES)))
                .isEqualTo(new MediaFormats.Size(1, 1));
        assertThatThrownBy(() -> MediaFormats.png(new byte[MediaFormats.HEAD_BYTES]))
                .hasMessageContaining("not a PNG");
        byte[] huge = Arrays.copyOf(png, MediaFormats.HEAD_BYTES);
        huge[16] = 0x7F; // width 2^30 and more
        assertThatThrownBy(() -> MediaFormats.png(huge)).hasMessageContaining("pixels");
    }

    @Test
    void anMp4sLengthIsReadFromItsMovieHeaderWhereverItIs() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(box("ftyp", "isomiso2avc1mp41".getBytes(StandardCharsets.ISO_8859_1)));
        file.write(box("mdat", new byte[5000]));
        file.write(box("moov", mvhd(1000, 95_500)));
        byte[] bytes = file.toByteArray();
        MediaFormats.mp4(Arrays.copyOf(bytes, MediaFormats.HEAD_BYTES));
        assertThat(MediaFormats.mp4DurationMillis(new ByteArrayInputStream(bytes)))
                .hasValue(95_500);
        assertThat(MediaFormats.mp4DurationMillis(new ByteArrayInputStream(Arrays.copyOf(bytes, 100))))
                .isEmpty();
        assertThatThrownBy(() -> MediaFormats.mp4(new byte[MediaFormats.HEAD_BYTES]))
                .hasMessageContaining("not an MP4");
    }
}
