package dev.nightshift.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class IssueTextTest {

    private static final String TEMPLATE_BODY = """
            <!-- Thanks for the report! Please fill in the sections below. -->
            ### What happened

            The importer stops at the first 503.



            ![screenshot](https://github.com/user-attachments/assets/5b1c.png)
            <img width="600" alt="log" src="https://github.com/user-attachments/assets/77aa.png" />

            ### Steps   \s
            1. run `import --all`
            <!--
            multi-line
            comment
            -->
            2. wait
            """;

    @Test
    void theConversationReadsAsMarkdown() {
        String prompt = IssueText.prompt(
                "Importer gives up",
                "It stops.",
                List.of(comment("octocat", "Seen it too."), comment("hubot", "Same here.")),
                10_000);

        assertThat(prompt).isEqualTo("""
                        # Importer gives up

                        It stops.

                        ## Comments

                        **@octocat:**
                        Seen it too.

                        **@hubot:**
                        Same here.""");
    }

    @Test
    void templateCommentsImagesAndBlankRunsAreRemoved() {
        String prompt = IssueText.prompt("Importer gives up", TEMPLATE_BODY, List.of(), 10_000);

        assertThat(prompt).isEqualTo("""
                        # Importer gives up

                        ### What happened

                        The importer stops at the first 503.

                        ### Steps
                        1. run `import --all`

                        2. wait""");
    }

    @Test
    void anUnclosedHtmlCommentHidesTheRestAsOnGitHub() {
        assertThat(IssueText.clean("visible\n<!-- hidden\nstill hidden")).isEqualTo("visible");
    }

    @Test
    void imagesOfEveryFormAreRemovedAndLinksKept() {
        assertThat(IssueText.clean("a ![x](u) b ![y][ref] c <IMG SRC=u> d [link](https://example.com) e"))
                .isEqualTo("a  b  c  d [link](https://example.com) e");
        assertThat(IssueText.clean("not an image: ![unclosed and ![x]( also unclosed"))
                .isEqualTo("not an image: ![unclosed and ![x]( also unclosed");
        assertThat(IssueText.clean("<imgur> and <img")).isEqualTo("<imgur> and <img");
    }

    @Test
    void botCommentsAreLeftOut() {
        String prompt = IssueText.prompt(
                "T",
                "B",
                List.of(
                        comment("dependabot[bot]", "Bumps x from 1 to 2"),
                        comment("nightshift[BOT]", "Working on it"),
                        comment("octocat", "Please fix")),
                10_000);

        assertThat(prompt)
                .doesNotContain("Bumps")
                .doesNotContain("Working on it")
                .contains("Please fix");
        assertThat(prompt).doesNotContain("left out");
    }

    @Test
    void theBodyAndEachCommentAreCut() {
        String prompt = IssueText.prompt(
                "T", "b".repeat(20_000), List.<String[]>of(comment("octocat", "c".repeat(5_000))), 100_000);

        assertThat(prompt).contains("b".repeat(IssueText.MAX_BODY_CHARS - 1) + "…\n");
        assertThat(prompt).doesNotContain("b".repeat(IssueText.MAX_BODY_CHARS));
        assertThat(prompt).endsWith("c".repeat(IssueText.MAX_COMMENT_CHARS - 1) + "…");
    }

    @Test
    void theOldestCommentsAreLeftOutFirstAndCounted() {
        List<String[]> comments = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            comments.add(comment("user" + i, "comment number " + i + " " + "x".repeat(80)));
        }

        String prompt = IssueText.prompt("T", "B", comments, 1_000);

        assertThat(prompt.length()).isLessThanOrEqualTo(1_000);
        assertThat(prompt).contains("comment number 20 ").doesNotContain("comment number 1 ");
        int kept = (int) prompt.lines().filter(l -> l.startsWith("**@user")).count();
        assertThat(kept).isBetween(5, 19);
        assertThat(prompt).contains("_" + (20 - kept) + " older comments left out._");
        assertThat(prompt).contains("comment number " + (20 - kept + 1) + " ");
        assertThat(prompt).doesNotContain("comment number " + (20 - kept) + " ");
    }

    @Test
    void neverLongerThanAsked() {
        List<String[]> comments = List.of(comment("a", "x".repeat(1_500)), comment("b", "y".repeat(1_500)));
        for (int max = 0; max <= 4_000; max += 37) {
            String prompt = IssueText.prompt("A title", "z".repeat(3_000), comments, max);
            assertThat(prompt.length()).as("max %d", max).isLessThanOrEqualTo(max);
        }
    }

    @Test
    void aBodyThatDoesNotFitIsCutAndTheCommentsCounted() {
        String prompt = IssueText.prompt("T", "z".repeat(3_000), List.of(comment("a", "x"), comment("b", "y")), 500);

        assertThat(prompt)
                .hasSizeLessThanOrEqualTo(500)
                .startsWith("# T\n\nzzz")
                .endsWith("_2 older comments left out._");
    }

    @Test
    void missingAndMalformedPartsAreSkipped() {
        List<String[]> comments = new ArrayList<>(Arrays.asList(
                null,
                new String[0],
                new String[] {"only-login"},
                new String[] {null, "no author"},
                new String[] {"octocat", null},
                new String[] {"octocat", "  \n<!-- only a comment -->\n "},
                new String[] {"hubot", "kept"}));

        assertThat(IssueText.prompt(null, null, comments, 1_000)).isEqualTo("# \n\n## Comments\n\n**@hubot:**\nkept");
        assertThat(IssueText.prompt("T", "B", null, 1_000)).isEqualTo("# T\n\nB");
    }

    @Test
    void aTitleIsOneLine() {
        assertThat(IssueText.prompt("  two\nlines\t title ", "", List.of(), 100))
                .isEqualTo("# two lines title");
    }

    @Test
    void hostileMarkupStaysFast() {
        String manyImages = "![".repeat(300_000) + "](" + "x".repeat(10) + "\n" + "![a](".repeat(200_000);
        String manyTags = "<img ".repeat(200_000);
        String manyComments = "<!--".repeat(200_000) + "-->" + "tail";

        assertThat(IssueText.clean(manyImages)).startsWith("![![");
        assertThat(IssueText.clean(manyTags)).startsWith("<img <img");
        assertThat(IssueText.clean(manyComments)).isEqualTo("tail");
    }

    private static String[] comment(String login, String body) {
        return new String[] {login, body};
    }
}
