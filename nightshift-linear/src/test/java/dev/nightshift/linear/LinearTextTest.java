package dev.nightshift.linear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.linear.LinearClient.Comment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinearTextTest {

    private static final Instant T = Instant.parse("2025-11-21T08:00:00Z");

    @Test
    void rendersTitleDescriptionAndCommentsOldestFirst() {
        String text = LinearText.prompt(
                "Importer drops rows",
                "Steps:\n\n1. Import rows.csv",
                List.of(
                        new Comment("Grace Hopper", "I can reproduce it.", T),
                        new Comment("Ada Lovelace", "Only with a trailing comma.", T.plusSeconds(3600))),
                10_000);

        assertThat(text).isEqualTo("""
                        # Importer drops rows

                        Steps:

                        1. Import rows.csv

                        ## Comments

                        **Grace Hopper** (2025-11-21 08:00 UTC):
                        I can reproduce it.

                        **Ada Lovelace** (2025-11-21 09:00 UTC):
                        Only with a trailing comma.""");
    }

    @Test
    void removesImagesAndCollapsesBlankLines() {
        String description = "Before  \n\n\n\n![screenshot.png](https://uploads.linear.app/a/b/screenshot.png)\n\n\n"
                + "See <img src=\"x.png\" alt=\"x\"> here and <IMG/> there.\r\n\r\n\r\nAfter";

        String text = LinearText.prompt("T", description, List.of(), 10_000);

        assertThat(text).isEqualTo("# T\n\nBefore\n\nSee  here and  there.\n\nAfter");
    }

    @Test
    void keepsLinksThatAreNotImages() {
        String text = LinearText.prompt("T", "See [the docs](https://example.com/docs) and ![alt] text", null, 1_000);

        assertThat(text).isEqualTo("# T\n\nSee [the docs](https://example.com/docs) and ![alt] text");
    }

    @ParameterizedTest
    @ValueSource(strings = {"![", "![a", "![a]", "![a](", "![a](b", "<img", "<img src=", "<imgs>"})
    void unclosedImagesStayAsText(String text) {
        assertThat(LinearText.withoutImages(text)).isEqualTo(text);
    }

    @Test
    void aLineOfUnclosedImageOpeningsIsReadInOnePass() {
        // quadratic scanning would take minutes on this; the assertion is on the result only
        String hostile = "![".repeat(30_000) + "](" + "x".repeat(10) + "\n" + "![a](".repeat(30_000);

        assertThat(LinearText.withoutImages(hostile)).isEqualTo(hostile);
        assertThat(LinearText.withoutImages("<img ".repeat(30_000))).isEqualTo("<img ".repeat(30_000));
    }

    @Test
    void cutsTheDescriptionAndEachComment() {
        String longDescription = "d".repeat(LinearText.MAX_DESCRIPTION_CHARS + 500);
        String longComment = "c".repeat(LinearText.MAX_COMMENT_CHARS + 500);

        String text = LinearText.prompt("T", longDescription, List.of(new Comment("A", longComment, null)), 100_000);

        assertThat(text).contains("d".repeat(LinearText.MAX_DESCRIPTION_CHARS - 1) + "…\n");
        assertThat(text).doesNotContain("d".repeat(LinearText.MAX_DESCRIPTION_CHARS));
        assertThat(text).endsWith("**A**:\n" + "c".repeat(LinearText.MAX_COMMENT_CHARS - 1) + "…");
    }

    @Test
    void dropsTheOldestCommentsFirstAndSaysHowMany() {
        List<Comment> comments = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            comments.add(new Comment("Person " + i, "comment number " + i + " " + "x".repeat(80), T.plusSeconds(i)));
        }
        String all = LinearText.prompt("T", "D", comments, 100_000);

        String text = LinearText.prompt("T", "D", comments, 600);

        assertThat(all).contains("comment number 1 ").doesNotContain("left out");
        assertThat(text.length()).isLessThanOrEqualTo(600);
        assertThat(text).contains("comment number 10 ").contains("comment number 8 ");
        assertThat(text).doesNotContain("comment number 1 ").doesNotContain("comment number 2 ");
        int kept = (int) Arrays.stream(text.split("\n"))
                .filter(l -> l.startsWith("**Person"))
                .count();
        assertThat(text).contains("_" + (10 - kept) + " older comments left out._");
        assertThat(text.indexOf("left out")).isLessThan(text.indexOf("comment number 10 "));
    }

    @Test
    void oneLeftOutCommentIsSingular() {
        List<Comment> comments = List.of(
                new Comment("A", "first " + "x".repeat(100), T), new Comment("B", "second " + "y".repeat(100), T));
        String full = LinearText.prompt("T", "D", comments, 100_000);

        String text = LinearText.prompt("T", "D", comments, full.length() - 10);

        assertThat(text)
                .contains("_1 older comment left out._")
                .contains("second ")
                .doesNotContain("first ");
    }

    @Test
    void whenNoCommentFitsOnlyTheNoteComes() {
        List<Comment> comments = List.of(new Comment("A", "x".repeat(500), T));

        String text = LinearText.prompt("Title", "Description", comments, 60);

        assertThat(text).isEqualTo("# Title\n\nDescription\n\n_1 older comment left out._");
    }

    @Test
    void whenTheDescriptionDoesNotFitItIsCutAndNoCommentComes() {
        String text = LinearText.prompt("Title", "w".repeat(500), List.of(new Comment("A", "hello", T)), 100);

        assertThat(text).hasSize(100).startsWith("# Title\n\nwww").endsWith("…\n\n_1 older comment left out._");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 9, 10, 11, 40, 77, 150, 333})
    void neverLongerThanAsked(int maxChars) {
        List<Comment> comments = List.of(new Comment("A", "a".repeat(90), T), new Comment("B", "b".repeat(90), T));

        String text = LinearText.prompt("A title", "d".repeat(200), comments, maxChars);

        assertThat(text.length()).isLessThanOrEqualTo(maxChars);
    }

    @Test
    void nothingForNoRoomAndEmptyPartsAreLeftOut() {
        assertThat(LinearText.prompt("T", "D", List.of(), 0)).isEmpty();
        assertThat(LinearText.prompt(null, null, null, 100)).isEqualTo("# ");
        assertThat(LinearText.prompt(
                        "T",
                        "   ",
                        Arrays.asList(null, new Comment("A", "![only](an-image.png)", T), new Comment("", "hi", null)),
                        100))
                .isEqualTo("# T\n\n## Comments\n\n**someone**:\nhi");
    }

    @Test
    void titlesAreOneLineAndCut() {
        String text = LinearText.prompt("  Two\nlines\t title  ", "", List.of(), 1_000);
        String longTitle = LinearText.prompt("t".repeat(1_000), "", List.of(), 10_000);

        assertThat(text).isEqualTo("# Two lines title");
        assertThat(longTitle).hasSize(2 + LinearText.MAX_TITLE_CHARS).endsWith("…");
    }

    @Test
    void cutsNeverSplitASurrogatePair() {
        String emoji = "😀".repeat(LinearText.MAX_COMMENT_CHARS);

        String text = LinearText.prompt("T", "", List.of(new Comment("A", emoji, null)), 100_000);

        String body = text.substring(text.indexOf("**A**:\n") + 7);
        assertThat(body).endsWith("😀…");
        assertThat(Character.isHighSurrogate(body.charAt(body.length() - 2))).isFalse();
    }
}
