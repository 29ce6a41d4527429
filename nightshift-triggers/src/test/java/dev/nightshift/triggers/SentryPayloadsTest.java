package dev.nightshift.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.JsonPath;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SentryPayloadsTest {
    @Test
    void onlyAlertsStartSessions() {
        org.assertj.core.api.Assertions.assertThat(SentryPayloads.ignored("event_alert"))
                .isEmpty();
        org.assertj.core.api.Assertions.assertThat(SentryPayloads.ignored("metric_alert"))
                .isEmpty();
        org.assertj.core.api.Assertions.assertThat(SentryPayloads.ignored("issue"))
                .isEmpty();
        org.assertj.core.api.Assertions.assertThat(SentryPayloads.ignored(null)).isEmpty();
        org.assertj.core.api.Assertions.assertThat(SentryPayloads.ignored("installation"))
                .hasValueSatisfying(reason ->
                        org.assertj.core.api.Assertions.assertThat(reason).contains("'installation' is not an alert"));
        org.assertj.core.api.Assertions.assertThat(SentryPayloads.ignored("comment"))
                .isPresent();
    }

    @Test
    void theDefaultPromptParsesAndUsesOnlyListedPaths() {
        PromptTemplate template = PromptTemplate.parse(SentryPayloads.defaultPrompt());
        assertThat(template.paths())
                .containsExactly(
                        "$.data.event.title",
                        "$.data.event.level",
                        "$.data.event.culprit",
                        "$.data.triggered_rule",
                        "$.data.event.web_url",
                        "$.data.event.exception.values[*].stacktrace.frames[-10:]['filename','function','lineno','in_app']",
                        "$.data.event.issue_id");
        assertThat(SentryPayloads.PROMPT_PATHS).containsAll(template.paths());
    }

    @Test
    void theDefaultPromptFencesTheAlertsTitleUrlAndFramesAfterTheInstructions() {
        String prompt = PromptTemplate.parse(SentryPayloads.defaultPrompt()).render(SentryExamples.ISSUE_ALERT);
        String fence = PromptTemplateTest.fenceOf(prompt);
        String begin = "===== BEGIN UNTRUSTED INPUT " + fence + " =====\n";
        String end = "===== END UNTRUSTED INPUT " + fence + " =====\n";
        String instructions = prompt.substring(0, prompt.indexOf(begin));
        String block = prompt.substring(prompt.indexOf(begin), prompt.indexOf(end));

        assertThat(instructions)
                .startsWith("Investigate the Sentry alert [input 1] (level [input 2], culprit [input 3]), raised by"
                        + " the alert rule [input 4].")
                .contains("regression test")
                .contains("open a pull request")
                .doesNotContain("heck is not defined")
                .doesNotContain("sentry.io");
        assertThat(block)
                .contains("--- [input 1] $.data.event.title " + fence + " ---\nReferenceError: heck is not defined\n")
                .contains("--- [input 2] $.data.event.level " + fence + " ---\nerror\n")
                .contains("--- [input 3] $.data.event.culprit " + fence + " ---\n?(<anonymous>)\n")
                .contains("--- [input 4] $.data.triggered_rule " + fence + " ---\nVery Important Alert Rule!\n")
                .contains("--- [input 5] $.data.event.web_url " + fence + " ---\n"
                        + "https://sentry.io/organizations/test-org/issues/1117540176/events/"
                        + "e4874d664c3540c1a32eab185f12c5ab/\n")
                .contains("[{\"filename\":\"/js/prod/runner-4.1.7.min.js\",\"function\":null,\"lineno\":1,"
                        + "\"in_app\":false},{\"filename\":\"<anonymous>\",\"function\":null,\"lineno\":3,"
                        + "\"in_app\":false}]\n")
                .contains("--- [input 7] $.data.event.issue_id " + fence + " ---\n1117540176\n");
        assertThat(prompt).endsWith(end);
    }

    @Test
    void aLongStackTraceShowsItsLastTenFramesWithTheOneThatRaised() {
        StringBuilder frames = new StringBuilder();
        for (int line = 1; line <= 25; line++) {
            frames.append(line == 1 ? "" : ",")
                    .append("{\"filename\":\"src/checkout/cart.js\",\"function\":\"step")
                    .append(line)
                    .append("\",\"lineno\":")
                    .append(line)
                    .append(",\"in_app\":true,\"context_line\":\"")
                    .append("x".repeat(500))
                    .append("\"}");
        }
        String payload = "{\"data\":{\"event\":{\"title\":\"TypeError\",\"exception\":{\"values\":[{\"stacktrace\":"
                + "{\"frames\":[" + frames + "]}}]}}}}";
        String prompt = PromptTemplate.parse(SentryPayloads.defaultPrompt()).render(payload);
        assertThat(prompt)
                .contains(
                        "{\"filename\":\"src/checkout/cart.js\",\"function\":\"step16\",\"lineno\":16,\"in_app\":true}")
                .contains(
                        "{\"filename\":\"src/checkout/cart.js\",\"function\":\"step25\",\"lineno\":25,\"in_app\":true}]")
                .doesNotContain("\"step15\"")
                .doesNotContain("xxxx")
                .doesNotContain("[cut]");
    }

    @Test
    void everyListedPathFindsAValueInTheDocumentedPayloadOfItsResource() {
        Object issueAlert = JsonConditions.parse(SentryExamples.ISSUE_ALERT);
        Object issue = JsonConditions.parse(SentryExamples.ISSUE);
        for (String path : SentryPayloads.PROMPT_PATHS) {
            JsonPath compiled = JsonConditions.compile(path);
            Optional<JsonNode> inAlert = JsonConditions.read(issueAlert, compiled);
            Optional<JsonNode> inIssue = JsonConditions.read(issue, compiled);
            boolean issuePath = path.startsWith("$.data.issue.");
            assertThat(issuePath ? inIssue : inAlert).as(path).isPresent();
            if (!path.equals("$.action")) {
                assertThat(issuePath ? inAlert : inIssue)
                        .as("%s belongs to one resource only", path)
                        .isEmpty();
            }
        }
    }
}
