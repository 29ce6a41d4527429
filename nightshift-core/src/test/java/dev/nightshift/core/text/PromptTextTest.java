package dev.nightshift.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTextTest {
    private static final List<String> COMMENTS = List.of("**a:**\nfirst", "**b:**\nsecond", "**c:**\nthird");

    @Test
    void everythingThatFitsIsKeptInOrder() {
        assertThat(PromptText.pack("# T", "body", COMMENTS, 1_000))
                .isEqualTo("# T\n\nbody\n\n## Comments\n\n**a:**\nfirst\n\n**b:**\nsecond\n\n**c:**\nthird");
    }

    @Test
    void theOldestCommentsGoFirstAndALineSaysHowMany() {
        List<String> comments =
                List.of("**a:**\nfirst " + "x".repeat(60), "**b:**\nsecond " + "y".repeat(60), "**c:**\nthird");
        String full = PromptText.pack("# T", "body", comments, 1_000);
        String packed = PromptText.pack("# T", "body", comments, full.length() - 5);
        assertThat(packed)
                .contains("_1 older comment left out._")
                .doesNotContain("first")
                .contains("second")
                .endsWith("third");
    }

    @Test
    void aBodyTooLongIsCutAndNoCommentComes() {
        String packed = PromptText.pack("# T", "x".repeat(500), COMMENTS, 100);
        assertThat(packed).startsWith("# T\n\nxxx").contains("…").endsWith("_3 older comments left out._");
        assertThat(packed).doesNotContain("## Comments");
    }

    @Test
    void theResultIsNeverLongerThanAsked() {
        for (int max = 0; max <= 120; max++) {
            assertThat(PromptText.pack("# A title", "a body of some length", COMMENTS, max))
                    .as("max %d", max)
                    .hasSizeLessThanOrEqualTo(max);
        }
    }

    @Test
    void cutsNeverSplitASurrogatePair() {
        String emoji = "ab\uD83D\uDE00cd";
        assertThat(PromptText.prefix(emoji, 3)).isEqualTo("ab");
        assertThat(PromptText.cutEnd(emoji, 4)).isEqualTo("ab…");
        assertThat(PromptText.cutEnd("short", 10)).isEqualTo("short");
        assertThat(PromptText.oneLine("  a \n\t b ")).isEqualTo("a b");
    }
}
