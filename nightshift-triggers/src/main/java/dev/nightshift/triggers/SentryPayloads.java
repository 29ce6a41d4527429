package dev.nightshift.triggers;

import java.util.List;

/**
 * What Sentry's webhook payloads offer a prompt template, so that a person setting up a Sentry
 * automation picks from known fields instead of guessing: the useful JSONPaths and a default prompt.
 * Constants only; thread-safe.
 *
 * <p>Sentry names a delivery's resource in {@value WebhookSignatures#SENTRY_RESOURCE_HEADER}. An
 * issue alert ({@code event_alert}, sent when an alert rule with the integration as its action fires)
 * carries the event under {@code $.data.event} and the rule's name in {@code $.data.triggered_rule}; an
 * issue webhook ({@code issue}, action {@code created}, {@code resolved} …) carries the issue under
 * {@code $.data.issue}. Every delivery has {@code $.action}, {@code $.installation.uuid} and {@code
 * $.actor}.
 */
public final class SentryPayloads {
    /**
     * The JSONPaths worth filling into a prompt: first those of an issue alert ({@code event_alert}),
     * then those of an issue webhook ({@code issue}). A path of the other resource reads as missing.
     * The stack frame path gives the last ten frames of each exception with their file, function, line
     * and whether they are the application's own code; Sentry lists frames oldest first, so the frame
     * that raised comes last (a value cut at {@link PromptTemplate#MAX_VALUE_CHARS} would lose the
     * newest frames, hence ten and not all).
     */
    public static final List<String> PROMPT_PATHS = List.of(
            "$.action",
            "$.data.triggered_rule",
            "$.data.event.title",
            "$.data.event.web_url",
            "$.data.event.issue_id",
            "$.data.event.level",
            "$.data.event.culprit",
            "$.data.event.platform",
            "$.data.event.release",
            "$.data.event.metadata.type",
            "$.data.event.metadata.value",
            "$.data.event.exception.values[*].stacktrace.frames[-10:]['filename','function','lineno','in_app']",
            "$.data.issue.title",
            "$.data.issue.web_url",
            "$.data.issue.shortId",
            "$.data.issue.level",
            "$.data.issue.culprit",
            "$.data.issue.status",
            "$.data.issue.project.slug",
            "$.data.issue.metadata.type",
            "$.data.issue.metadata.value");

    private static final String DEFAULT_PROMPT = """
            Investigate the Sentry alert {{ $.data.event.title }} (level {{ $.data.event.level }}, \
            culprit {{ $.data.event.culprit }}), raised by the alert rule {{ $.data.triggered_rule }}. \
            The event is at {{ $.data.event.web_url }}; its last stack frames, the one that raised last, are \
            {{ $.data.event.exception.values[*].stacktrace.frames[-10:]['filename','function','lineno','in_app'] }}.
            Find the root cause in this repository, fix it with a regression test that fails without \
            the fix, and open a pull request that names the Sentry issue {{ $.data.event.issue_id }}. \
            If the cause is not in this repository, change nothing and explain where it is.""";

    private SentryPayloads() {}

    /**
     * The prompt a Sentry automation starts with when its creator writes none: for issue alerts
     * ({@code event_alert}), the resource an alert rule sends. A template for {@link
     * PromptTemplate#parse}.
     */
    /**
     * The Sentry resources ({@code Sentry-Hook-Resource}) that are about something to fix: issue and
     * metric alerts, issues and errors. The others (an installation, a comment, a seer update) are
     * signed the same way but start nothing.
     */
    public static final java.util.Set<String> ALERT_RESOURCES =
            java.util.Set.of("event_alert", "metric_alert", "issue", "error");

    /**
     * Why a signed Sentry delivery of this resource starts nothing, or empty when it may: a delivery
     * without the header is judged by the automation's conditions alone.
     */
    public static java.util.Optional<String> ignored(String resource) {
        if (resource == null || resource.isBlank() || ALERT_RESOURCES.contains(resource.strip())) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("Sentry resource '"
                + (resource.length() > 50 ? resource.substring(0, 50) : resource.strip()) + "' is not an alert (only "
                + String.join(", ", new java.util.TreeSet<>(ALERT_RESOURCES)) + " start sessions)");
    }

    public static String defaultPrompt() {
        return DEFAULT_PROMPT;
    }
}
