package dev.nightshift.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.nightshift.github.ReviewComments.Review;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReviewCommentsTest {

    /** One modified file with two hunks, a new file, a deleted file, and a rename with a change. */
    private static final String DIFF = """
            diff --git a/src/A.java b/src/A.java
            index 83db48f..bf269f4 100644
            --- a/src/A.java
            +++ b/src/A.java
            @@ -10,3 +10,4 @@ class A {
                 int a;
            -    int b;
            +    int b2;
            +    int c;
                 int d;
            @@ -40,3 +41,3 @@ class A {
                 void f() {
            -        old();
            +        neu();
                 }
            diff --git a/docs/new.md b/docs/new.md
            new file mode 100644
            index 0000000..e69de29
            --- /dev/null
            +++ b/docs/new.md
            @@ -0,0 +1,2 @@
            +# New
            +text
            \\ No newline at end of file
            diff --git a/old.txt b/old.txt
            deleted file mode 100644
            index e69de29..0000000
            --- a/old.txt
            +++ /dev/null
            @@ -1,2 +0,0 @@
            -gone
            -too
            diff --git a/src/Old.java b/src/New.java
            similarity index 90%
            rename from src/Old.java
            rename to src/New.java
            --- a/src/Old.java
            +++ b/src/New.java
            @@ -5 +5 @@
            -class Old {}
            +class New {}
            """;

    @Test
    void theRightSideIsAddedAndContextLinesInHunks() {
        assertThat(ReviewComments.rightSideLines(DIFF))
                .containsExactlyInAnyOrder(
                        "src/A.java:10",
                        "src/A.java:11",
                        "src/A.java:12",
                        "src/A.java:13",
                        "src/A.java:41",
                        "src/A.java:42",
                        "src/A.java:43",
                        "docs/new.md:1",
                        "docs/new.md:2",
                        "src/New.java:5");
    }

    @Test
    void addedLinesThatLookLikeHeadersAreStillLines() {
        String diff = """
                diff --git a/x.txt b/x.txt
                --- a/x.txt
                +++ b/x.txt
                @@ -1,2 +1,4 @@
                 keep
                -++ removed
                +++ added, starting with two pluses
                +--- added, starting with three minuses
                +@@ not a hunk header
                """;

        assertThat(ReviewComments.rightSideLines(diff))
                .containsExactlyInAnyOrder("x.txt:1", "x.txt:2", "x.txt:3", "x.txt:4");
    }

    @Test
    void quotedPathsWindowsLineEndingsAndEmptyContextLinesAreRead() {
        String diff = "diff --git \"a/caf\\303\\251 \\\"x\\\".txt\" \"b/caf\\303\\251 \\\"x\\\".txt\"\r\n"
                + "--- \"a/caf\\303\\251 \\\"x\\\".txt\"\r\n"
                + "+++ \"b/caf\\303\\251 \\\"x\\\".txt\"\r\n"
                + "@@ -1,3 +1,3 @@\r\n"
                + " one\r\n"
                + "\r\n"
                + "-three\r\n"
                + "+THREE\r\n";

        assertThat(ReviewComments.rightSideLines(diff))
                .containsExactlyInAnyOrder("café \"x\".txt:1", "café \"x\".txt:2", "café \"x\".txt:3");
    }

    @Test
    void plainUnifiedDiffsAndTimestampsAreRead() {
        String diff = """
                --- a.txt\t2024-05-01 10:00:00.000000000 +0000
                +++ a.txt\t2024-05-01 10:00:01.000000000 +0000
                @@ -1 +1,2 @@
                 one
                +two
                """;

        assertThat(ReviewComments.rightSideLines(diff)).containsExactlyInAnyOrder("a.txt:1", "a.txt:2");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not a diff",
                "@@ -1,2 +1,2 @@\n+orphan hunk",
                "+++ b/x\n@@ -99999999999,1 +99999999999,1 @@\n+x",
                "+++ b/x\n@@ -1,1 +2147483647,2147483647 @@\n+x\n+y",
                "+++ \"b/unterminated\n@@ -1 +1 @@\n+x",
                "+++ \"b/bad\\",
            })
    void brokenDiffsGiveFewOrNoLinesAndNoErrors(String diff) {
        assertThatCode(() -> ReviewComments.rightSideLines(diff)).doesNotThrowAnyException();
        assertThat(ReviewComments.rightSideLines(diff).size()).isLessThanOrEqualTo(2);
    }

    @Test
    void commentsOnLinesTheDiffShowsAreKept() {
        String output = """
                I looked at the change.

                ```json
                {"summary": "Two remarks.", "comments": [
                  {"path": "src/A.java", "line": 12, "body": "Why two fields?"},
                  {"path": "docs/new.md", "line": 1, "body": "Title case?"}
                ]}
                ```
                """;

        Review review = ReviewComments.parse(output, DIFF);

        assertThat(review.summary()).isEqualTo("Two remarks.");
        assertThat(review.comments())
                .containsExactly(
                        new LineComment("src/A.java", 12, "Why two fields?"),
                        new LineComment("docs/new.md", 1, "Title case?"));
        assertThat(review.dropped()).isEmpty();
    }

    @Test
    void commentsElsewhereMoveIntoTheSummary() {
        String output = """
                ```json
                {"summary": "Looks fine.", "comments": [
                  {"path": "src/A.java", "line": 30, "body": "Between the hunks"},
                  {"path": "old.txt", "line": 1, "body": "On a deleted file"},
                  {"path": "src/Other.java", "line": 1, "body": "Not in the diff\\nat all"},
                  {"path": "src/A.java", "line": 11, "body": "kept"}
                ]}
                ```
                """;

        Review review = ReviewComments.parse(output, DIFF);

        assertThat(review.comments()).containsExactly(new LineComment("src/A.java", 11, "kept"));
        assertThat(review.dropped()).hasSize(3);
        assertThat(review.dropped().getFirst()).startsWith("src/A.java:30: ");
        assertThat(review.summary()).isEqualTo("""
                        Looks fine.

                        **Notes on lines outside the diff**

                        - `src/A.java` line 30: Between the hunks
                        - `old.txt` line 1: On a deleted file
                        - `src/Other.java` line 1: Not in the diff
                          at all""");
    }

    @Test
    void pathsAsAgentsWriteThemAreMatched() {
        String output = block("{\"comments\": [{\"path\": \"./src/A.java\", \"line\": 10, \"body\": \"a\"},"
                + "{\"path\": \"b/src/A.java\", \"line\": \"11\", \"body\": \"b\"},"
                + "{\"path\": \"/src/A.java\", \"line\": 12, \"body\": \"c\"},"
                + "{\"path\": \" src/A.java \", \"line\": \" 13 \", \"body\": \"d\"}]}");

        assertThat(ReviewComments.parse(output, DIFF).comments())
                .extracting(LineComment::path, LineComment::line)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("src/A.java", 10),
                        org.assertj.core.groups.Tuple.tuple("src/A.java", 11),
                        org.assertj.core.groups.Tuple.tuple("src/A.java", 12),
                        org.assertj.core.groups.Tuple.tuple("src/A.java", 13));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"path\": \"src/A.java\", \"line\": 0, \"body\": \"x\"}",
                "{\"path\": \"src/A.java\", \"line\": -11, \"body\": \"x\"}",
                "{\"path\": \"src/A.java\", \"line\": 11.5, \"body\": \"x\"}",
                "{\"path\": \"src/A.java\", \"line\": \"eleven\", \"body\": \"x\"}",
                "{\"path\": \"src/A.java\", \"line\": \"10-12\", \"body\": \"x\"}",
                "{\"path\": \"src/A.java\", \"line\": 99999999999, \"body\": \"x\"}",
                "{\"path\": \"src/A.java\", \"line\": null, \"body\": \"x\"}",
                "{\"path\": \"src/A.java\", \"line\": [11], \"body\": \"x\"}",
                "{\"path\": 7, \"line\": 11, \"body\": \"x\"}",
                "{\"line\": 11, \"body\": \"x\"}",
                "{\"path\": \"src/A.java\", \"line\": 11}",
                "{\"path\": \"src/A.java\", \"line\": 11, \"body\": \"  \"}",
                "{\"path\": \"src/A.java\", \"line\": 11, \"body\": {\"text\": \"x\"}}",
                "\"src/A.java:11 x\"",
                "[\"src/A.java\", 11, \"x\"]",
                "null",
            })
    void malformedCommentsAreDroppedNotFatal(String comment) {
        String output = block("{\"summary\": \"S\", \"comments\": [" + comment
                + ", {\"path\": \"src/A.java\", \"line\": 10, \"body\": \"good\"}]}");

        Review review = ReviewComments.parse(output, DIFF);

        assertThat(review.comments()).containsExactly(new LineComment("src/A.java", 10, "good"));
        assertThat(review.dropped()).hasSize(1);
        assertThat(review.summary()).startsWith("S");
    }

    @Test
    void withoutAJsonBlockTheWholeAnswerIsTheSummary() {
        String output = "  Looks good to me.\n\n```java\nint x = 1;\n```\n";

        assertThat(ReviewComments.parse(output, DIFF))
                .isEqualTo(new Review("Looks good to me.\n\n```java\nint x = 1;\n```", List.of(), List.of()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Review.\n```json\n{\"summary\": \"S\", \"comments\": [\n```",
                "Review.\n```json\n{\"summary\": \"S\" \"comments\": []}\n```",
                "Review.\n```json\n{'summary': 'S'}\n```",
                "Review.\n```json\n```",
                "Review.\n```json\n[{\"path\": \"src/A.java\", \"line\": 10, \"body\": \"x\"}]\n```",
                "Review.\n```json\n{\"other\": 1}\n```",
            })
    void aBrokenBlockLeavesTheWholeAnswerAsTheSummary(String output) {
        Review review = ReviewComments.parse(output, DIFF);

        assertThat(review.summary()).isEqualTo(output.strip());
        assertThat(review.comments()).isEmpty();
    }

    @Test
    void aSummaryOfTheWrongTypeGivesWayToTheProse() {
        String output = "The prose.\n" + block("{\"summary\": 42, \"comments\": []}") + "\nAfterword.";

        assertThat(ReviewComments.parse(output, DIFF).summary()).isEqualTo("The prose.\n\nAfterword.");
    }

    @Test
    void fencesInsideCommentBodiesDoNotEndTheBlock() {
        String output = """
                Here is my review:

                ```json
                {
                  "summary": "Use a constant.",
                  "comments": [
                    {"path": "src/A.java", "line": 42, "body": "Suggest:\\n```suggestion\\n        neu(3);\\n```\\n"},
                    {"path": "src/A.java", "line": 43, "body": "raw
                ```java
                multi-line
                ```
                body"}
                  ]
                }
                ```
                """;

        Review review = ReviewComments.parse(output, DIFF);

        assertThat(review.summary()).isEqualTo("Use a constant.");
        assertThat(review.comments())
                .containsExactly(
                        new LineComment("src/A.java", 42, "Suggest:\n```suggestion\n        neu(3);\n```"),
                        new LineComment("src/A.java", 43, "raw\n```java\nmulti-line\n```\nbody"));
    }

    @Test
    void theLastReviewBlockWinsAndExamplesAreSkipped() {
        String output = "First draft:\n"
                + block("{\"summary\": \"draft\", \"comments\": []}")
                + "\nAn example of the config:\n"
                + block("{\"retries\": 3}")
                + "\nFinal:\n"
                + block("{\"summary\": \"final\", \"comments\": [],}")
                + "\n```java\nclass X {}\n```\n";

        assertThat(ReviewComments.parse(output, DIFF).summary()).isEqualTo("final");
    }

    @Test
    void anUnfencedOrUnclosedBlockAtTheEndIsRead() {
        String unfenced =
                "Done.\n{\"summary\": \"S1\", \"comments\": [{\"path\": \"src/A.java\", \"line\": 10, \"body\": \"x\"}]}\n";
        String unclosed = "Done.\n```json\n{\"summary\": \"S2\"}\n";
        String tilde = "Done.\n~~~json\n{\"summary\": \"S3\"}\n~~~\n";
        String bare = "Done.\n```\n{\"summary\": \"S4\"}\n```";

        assertThat(ReviewComments.parse(unfenced, DIFF).comments()).hasSize(1);
        assertThat(ReviewComments.parse(unfenced, DIFF).summary()).isEqualTo("S1");
        assertThat(ReviewComments.parse(unclosed, DIFF).summary()).isEqualTo("S2");
        assertThat(ReviewComments.parse(tilde, DIFF).summary()).isEqualTo("S3");
        assertThat(ReviewComments.parse(bare, DIFF).summary()).isEqualTo("S4");
    }

    @Test
    void anUnfencedObjectInTheMiddleIsProse() {
        String output = "{\"summary\": \"inline\"} is what I would write\nand more prose";

        assertThat(ReviewComments.parse(output, DIFF).summary()).isEqualTo(output);
    }

    @Test
    void aReviewHasAtMostFiftyCommentsTheRestBecomeNotes() {
        StringBuilder comments = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            comments.append(i == 0 ? "" : ",")
                    .append("{\"path\": \"src/A.java\", \"line\": 11, \"body\": \"remark ")
                    .append(i)
                    .append("\"}");
        }

        Review review = ReviewComments.parse(block("{\"summary\": \"S\", \"comments\": [" + comments + "]}"), DIFF);

        assertThat(review.comments()).hasSize(ReviewComments.MAX_COMMENTS);
        assertThat(review.comments().getLast().body()).isEqualTo("remark 49");
        assertThat(review.dropped()).hasSize(10);
        assertThat(review.summary())
                .contains("**More notes**")
                .contains("remark 59")
                .doesNotContain("remark 49\n");
    }

    @Test
    void bodiesAndTheSummaryAreCut() {
        String output = block("{\"summary\": \"" + "s".repeat(30_000) + "\", \"comments\": ["
                + "{\"path\": \"src/A.java\", \"line\": 11, \"body\": \"" + "b".repeat(5_000) + "\"},"
                + "{\"path\": \"nowhere\", \"line\": 1, \"body\": \"" + "n".repeat(5_000) + "\"}]}");

        Review review = ReviewComments.parse(output, DIFF);

        assertThat(review.comments().getFirst().body())
                .hasSize(ReviewComments.MAX_COMMENT_CHARS)
                .endsWith("…");
        assertThat(review.summary().length()).isLessThanOrEqualTo(ReviewComments.MAX_SUMMARY_CHARS);
        assertThat(review.summary())
                .contains(ReviewComments.OUTSIDE_DIFF_HEADING)
                .contains("nnnn");
    }

    @Test
    void manyNotesStopAtTheSummarysLimitAndAreCounted() {
        StringBuilder comments = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            comments.append(i == 0 ? "" : ",")
                    .append("{\"path\": \"nowhere\", \"line\": 1, \"body\": \"")
                    .append("n".repeat(500))
                    .append("\"}");
        }

        Review review = ReviewComments.parse(block("{\"comments\": [" + comments + "]}"), DIFF);

        assertThat(review.summary().length()).isLessThanOrEqualTo(ReviewComments.MAX_SUMMARY_CHARS);
        assertThat(review.summary())
                .startsWith("**Notes on lines outside the diff**")
                .containsPattern("_\\d+ more notes left out._$");
        assertThat(review.dropped()).hasSize(200);
    }

    @Test
    void aRunawayAnswerIsReadOnlyInPart() {
        StringBuilder comments = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            comments.append(i == 0 ? "" : ",").append("{\"path\": \"nowhere\", \"line\": 1, \"body\": \"x\"}");
        }

        Review review = ReviewComments.parse(block("{\"comments\": [" + comments + "]}"), DIFF);

        assertThat(review.dropped()).hasSize(ReviewComments.MAX_COMMENTS_READ + 1);
        assertThat(review.dropped().getLast()).isEqualTo("4000 more comments not read");
    }

    @Test
    void hostileAnswersNeitherThrowNorCrawl() {
        String manyOpeners = "```json\n{\"a\": \"".repeat(100_000);
        String deep = block("{\"summary\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}");
        String hugeProse = "word ".repeat(2_000_000);

        assertThat(ReviewComments.parse(manyOpeners, DIFF).comments()).isEmpty();
        assertThat(ReviewComments.parse(deep, DIFF).comments()).isEmpty();
        assertThat(ReviewComments.parse(hugeProse, DIFF).summary()).hasSize(ReviewComments.MAX_SUMMARY_CHARS);
    }

    @Test
    void missingInputsGiveAnEmptyReview() {
        assertThat(ReviewComments.parse(null, null)).isEqualTo(new Review("", List.of(), List.of()));
        assertThat(ReviewComments.rightSideLines(null)).isEqualTo(Set.of());

        Review noDiff = ReviewComments.parse(
                block("{\"summary\": \"S\", \"comments\": [{\"path\": \"a\", \"line\": 1, \"body\": \"b\"}]}"), null);
        assertThat(noDiff.comments()).isEmpty();
        assertThat(noDiff.summary()).isEqualTo("S\n\n**Notes on lines outside the diff**\n\n- `a` line 1: b");
    }

    private static String block(String json) {
        return "```json\n" + json + "\n```\n";
    }
}
