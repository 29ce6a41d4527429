package dev.nightshift.github;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MentionsTest {

    private static final String SLUG = "nightshift";

    @Test
    void theRequestIsTheCommentWithoutTheMention() {
        assertThat(Mentions.request(SLUG, "@nightshift fix the flaky importer test"))
                .contains("fix the flaky importer test");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "@nightshift: add retries|add retries",
                "@nightshift, add retries|add retries",
                "  @nightshift   add retries  |add retries",
                "Could you @nightshift add retries?|Could you add retries?",
                "add retries please @nightshift|add retries please",
                "thanks @nightshift.|thanks.",
                "(@nightshift) add retries|() add retries",
                "please, @nightshift, add retries|please, add retries",
            })
    void theMentionIsRemovedTidily(String comment, String request) {
        assertThat(Mentions.request(SLUG, comment)).contains(request);
    }

    @Test
    void aMultiLineRequestKeepsItsLines() {
        String comment = "@nightshift please:\n\n- retry on 503\n- log each attempt\n\n```java\nint attempts = 3;\n```";

        assertThat(Mentions.request(SLUG, comment))
                .contains("please:\n\n- retry on 503\n- log each attempt\n\n```java\nint attempts = 3;\n```");
    }

    @Test
    void aMentionAloneIsAnEmptyRequest() {
        assertThat(Mentions.request(SLUG, "@nightshift")).contains("");
        assertThat(Mentions.request(SLUG, "  @nightshift \n")).contains("");
        assertThat(Mentions.mentions(SLUG, "@nightshift")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"@NightShift do it", "@NIGHTSHIFT do it", "@nightshift[bot] do it", "@Nightshift[BOT] do it"})
    void theHandleIsCaseInsensitiveAndMayBeTheBotLogin(String comment) {
        assertThat(Mentions.request(SLUG, comment)).contains("do it");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "@nightshifter do it",
                "@nightshift-dev do it",
                "@nightshift_x do it",
                "mail ops@nightshift.dev about it",
                "ops@nightshift do it",
                "see @nightshift.dev",
                "ask @nightshift/reviewers",
                "https://example.com/@nightshift do it",
                "@@nightshift do it",
                "nightshift do it",
                "@night shift do it",
                "#nightshift",
            })
    void onlyTheWholeHandleIsAMention(String comment) {
        assertThat(Mentions.request(SLUG, comment)).isEmpty();
        assertThat(Mentions.mentions(SLUG, comment)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "```\n@nightshift do it\n```",
                "~~~\n@nightshift do it\n~~~",
                "```text\nlog line\n@nightshift do it\n```\nthat was the log",
                "  ```\n  @nightshift do it\n  ```",
                "````\n```\n@nightshift do it\n```\n````",
                "```\nnever closed\n@nightshift do it",
                "run `@nightshift do it` to ask",
                "run ``@nightshift `do` it`` to ask",
                "a span `over\n@nightshift two lines` of one paragraph",
                "> @nightshift do it\n\nquoting the request above",
                "   > @nightshift do it",
                "> first line\n> @nightshift second line",
                ">> @nightshift nested quote",
            })
    void mentionsInCodeOrQuotesDoNotCount(String comment) {
        assertThat(Mentions.request(SLUG, comment)).as(comment).isEmpty();
        assertThat(Mentions.mentions(SLUG, comment)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "```\ncode\n```\n@nightshift do it",
                "> @nightshift earlier\n\n@nightshift do it",
                "`code` @nightshift do it",
                "a lone ` backtick then @nightshift do it",
                "`` unmatched double ` then @nightshift do it",
                "    ```\n@nightshift do it",
                "```a`b\n@nightshift do it",
                "text\n\n`span one paragraph\n\n@nightshift do it` not a span",
                "\\`@nightshift do it`",
            })
    void mentionsOutsideCodeAndQuotesCount(String comment) {
        assertThat(Mentions.mentions(SLUG, comment)).as(comment).isTrue();
    }

    @Test
    void theQuoteAndTheCodeStayInTheRequest() {
        String comment = "> @nightshift add retries\n\n@nightshift and also log them, like `log.warn(...)`";

        assertThat(Mentions.request(SLUG, comment))
                .contains("> @nightshift add retries\n\nand also log them, like `log.warn(...)`");
    }

    @Test
    void everyMentionThatCountsIsRemoved() {
        assertThat(Mentions.request(SLUG, "@nightshift add retries. @nightshift also log them"))
                .contains("add retries. also log them");
    }

    @Test
    void theSlugMayBeGivenAsAHandleOrLogin() {
        assertThat(Mentions.request("@nightshift", "@nightshift go")).contains("go");
        assertThat(Mentions.request("nightshift[bot]", "@nightshift go")).contains("go");
        assertThat(Mentions.request("NightShift", "@nightshift go")).contains("go");
    }

    @Test
    void anotherAppsSlugDoesNotMatch() {
        assertThat(Mentions.mentions("dependabot", "@nightshift go")).isFalse();
        assertThat(Mentions.mentions("night", "@nightshift go")).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "@", "[bot]", "night shift"})
    void aMissingOrBlankSlugMatchesNothing(String slug) {
        assertThat(Mentions.request(slug, "@nightshift go")).isEmpty();
        assertThat(Mentions.mentions(slug, "@ go")).isFalse();
    }

    @Test
    void aMissingCommentMentionsNothing() {
        assertThat(Mentions.request(SLUG, null)).isEmpty();
        assertThat(Mentions.mentions(SLUG, null)).isFalse();
        assertThat(Mentions.request(SLUG, "")).isEmpty();
    }

    @Test
    void hostileCommentsStayLinear() {
        // each of these would take minutes with a quadratic scan
        StringBuilder runs = new StringBuilder();
        for (int length = 1; length < 1_400; length++) {
            runs.append("`".repeat(length)).append(' ');
        }
        String manyRuns = runs + "@nightshift do it";
        String manyAts = "@".repeat(500_000) + " @nightshift do it";
        String manyMentions = "@nightshift\u2003".repeat(150_000);
        String manyFences = "```a`\n".repeat(200_000) + "@nightshift do it";
        String manyNearMisses = "@nightshiftx ".repeat(100_000) + "@nightshift do it";

        assertThat(Mentions.request(SLUG, manyRuns)).isPresent();
        assertThat(Mentions.request(SLUG, manyAts)).isPresent();
        assertThat(Mentions.request(SLUG, manyMentions)).contains("");
        assertThat(Mentions.mentions(SLUG, manyFences)).isTrue();
        assertThat(Mentions.request(SLUG, manyNearMisses))
                .hasValueSatisfying(r -> assertThat(r).endsWith("do it"));
    }

    @Test
    void windowsLineEndingsDoNotHideAMention() {
        assertThat(Mentions.request(SLUG, "```\r\ncode\r\n```\r\n@nightshift do it\r\n"))
                .contains("```\r\ncode\r\n```\r\ndo it");
    }
}
