package dev.nightshift.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.core.sandbox.OutputListener.Stream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OutputWindowTest {
    @Test
    void keepsShortOutputWhole() {
        OutputWindow w = new OutputWindow(100);
        w.output(Stream.STDOUT, "out\n".getBytes(StandardCharsets.UTF_8));
        w.output(Stream.STDERR, "err\n".getBytes(StandardCharsets.UTF_8));
        assertThat(w.text()).isEqualTo("out\nerr\n");
    }

    @Test
    void keepsHeadAndTailOfLongOutputAndCountsTheCut() {
        OutputWindow w = new OutputWindow(10);
        for (char c = 'a'; c <= 'z'; c++) {
            w.output(Stream.STDOUT, new byte[] {(byte) c});
        }
        assertThat(w.text()).startsWith("abcde").endsWith("vwxyz").contains("[16 characters of output cut here");
        assertThat(w.totalChars()).isEqualTo(26);
    }

    @Test
    void aCharacterSplitBetweenChunksArrivesWhole() {
        byte[] bytes = "ü😀".getBytes(StandardCharsets.UTF_8);
        OutputWindow w = new OutputWindow(100);
        w.output(Stream.STDOUT, Arrays.copyOfRange(bytes, 0, 1));
        w.output(Stream.STDERR, "!".getBytes(StandardCharsets.UTF_8)); // the other stream does not disturb it
        w.output(Stream.STDOUT, Arrays.copyOfRange(bytes, 1, 4));
        w.output(Stream.STDOUT, Arrays.copyOfRange(bytes, 4, bytes.length));
        assertThat(w.text()).isEqualTo("!ü😀");
    }

    @Test
    void dropsTerminalColourCodes() {
        OutputWindow w = new OutputWindow(100);
        w.output(Stream.STDOUT, "\u001B[31mred\u001B[0m plain".getBytes(StandardCharsets.UTF_8));
        assertThat(w.text()).isEqualTo("red plain");
    }
}
