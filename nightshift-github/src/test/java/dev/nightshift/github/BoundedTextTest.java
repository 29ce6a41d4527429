package dev.nightshift.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedTextTest {

    /** "a", "é" (2 bytes), "€" (3 bytes), "𝄞" (4 bytes), "z": 11 bytes. */
    private static final String MIXED = "aé€𝄞z";

    @Test
    void theHeadStopsBeforeACharacterItWouldSplit() throws IOException {
        assertThat(BoundedText.head(in(MIXED), 11)).isEqualTo(MIXED);
        assertThat(BoundedText.head(in(MIXED), 10)).isEqualTo("aé€𝄞");
        assertThat(BoundedText.head(in(MIXED), 9)).isEqualTo("aé€");
        assertThat(BoundedText.head(in(MIXED), 6)).isEqualTo("aé€");
        assertThat(BoundedText.head(in(MIXED), 5)).isEqualTo("aé");
        assertThat(BoundedText.head(in(MIXED), 2)).isEqualTo("a");
        assertThat(BoundedText.head(in(MIXED), 1)).isEqualTo("a");
    }

    @Test
    void theHeadReadsNoFurtherThanItKeeps() throws IOException {
        InputStream in = in("x".repeat(100));

        assertThat(BoundedText.head(in, 10)).isEqualTo("x".repeat(10));
        assertThat(in.available()).isEqualTo(89); // ten kept, one read to learn there is more
    }

    @Test
    void theTailStartsAfterACharacterItWouldSplit() throws IOException {
        assertThat(BoundedText.tail(in(MIXED), 11)).isEqualTo(MIXED);
        assertThat(BoundedText.tail(in(MIXED), 100)).isEqualTo(MIXED);
        assertThat(BoundedText.tail(in(MIXED), 10)).isEqualTo("é€𝄞z");
        assertThat(BoundedText.tail(in(MIXED), 9)).isEqualTo("€𝄞z");
        assertThat(BoundedText.tail(in(MIXED), 8)).isEqualTo("€𝄞z");
        assertThat(BoundedText.tail(in(MIXED), 7)).isEqualTo("𝄞z");
        assertThat(BoundedText.tail(in(MIXED), 4)).isEqualTo("z");
    }

    @Test
    void theTailOfAStreamManyTimesItsBufferIsItsLastBytes() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            s.append(i).append('\n');
        }
        String all = s.toString();

        for (int max : new int[] {1, 7, 8192, 8193, 20_000}) {
            assertThat(BoundedText.tail(in(all), max)).isEqualTo(all.substring(all.length() - max));
        }
    }

    private static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
