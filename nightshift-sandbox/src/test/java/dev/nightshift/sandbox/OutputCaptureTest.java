package dev.nightshift.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {
    private static void add(OutputCapture c, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        c.add(b, b.length);
    }

    @Test
    void keepsEverythingWithinTheBudget() {
        OutputCapture c = new OutputCapture(20);
        add(c, "hello ");
        add(c, "world");
        assertThat(c.text()).isEqualTo("hello world");
        assertThat(c.dropped()).isZero();
    }

    @Test
    void keepsTheHeadAndTheNewestTailAndCountsTheMiddle() {
        OutputCapture c = new OutputCapture(10);
        for (char ch = 'a'; ch <= 'z'; ch++) {
            add(c, String.valueOf(ch)); // one byte at a time
        }
        assertThat(c.text()).isEqualTo("abcde\n[… 16 bytes of output omitted …]\nvwxyz");
        assertThat(c.dropped()).isEqualTo(16);

        OutputCapture big = new OutputCapture(10);
        add(big, "abcdefghijklmnopqrstuvwxyz"); // one large chunk
        assertThat(big.text()).isEqualTo(c.text());

        OutputCapture mixed = new OutputCapture(10);
        add(mixed, "abcdefg");
        add(mixed, "hijklmnopqrs");
        add(mixed, "tuvwxyz");
        assertThat(mixed.text()).isEqualTo(c.text());
    }

    @Test
    void multiByteCharactersAreNeverSplitAcrossTheMarker() {
        OutputCapture c = new OutputCapture(8);
        add(c, "éééé"); // 8 bytes: fills head (4) and tail (4)
        add(c, "xx");
        String text = c.text();
        assertThat(text).startsWith("éé\n[…").endsWith("éxx");
        assertThat(c.newest(3)).isEqualTo("éxx");
    }
}
