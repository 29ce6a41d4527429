package dev.nightshift.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The ephemeral "Which repository?" a request gets when it names none and its channel has no default:
 * one button per recent repository of the person's, each carrying the pending request's id and the
 * repository ({@code <id> <url>}). Pure; thread-safe.
 */
public final class RepositoryPicker {
    /** Buttons' action ids start with this ({@code nightshift_repo_0} …): each must be unique in its block. */
    public static final String ACTION_PREFIX = "nightshift_repo_";
    /** Slack shows at most this many buttons in one actions block here. */
    public static final int MAX_CHOICES = 5;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_VALUE_CHARS = 2_000;

    private RepositoryPicker() {}

    /** Block Kit JSON: the question and a button per repository (the first {@link #MAX_CHOICES}). */
    public static String blocksJson(String pendingId, List<String> repositories) {
        ArrayNode blocks = JSON.createArrayNode();
        ObjectNode question = blocks.addObject();
        question.put("type", "section");
        question.putObject("text")
                .put("type", "mrkdwn")
                .put(
                        "text",
                        "Which repository should I work on? Your recent ones are below; or name one in your message.");
        ObjectNode actions = blocks.addObject();
        actions.put("type", "actions");
        ArrayNode buttons = actions.putArray("elements");
        int i = 0;
        for (String repository : repositories) {
            String value = pendingId + " " + repository;
            if (i == MAX_CHOICES || value.length() > MAX_VALUE_CHARS) {
                break;
            }
            ObjectNode button = buttons.addObject();
            button.put("type", "button");
            button.put("action_id", ACTION_PREFIX + i++);
            button.putObject("text").put("type", "plain_text").put("text", label(repository));
            button.put("value", value);
        }
        return blocks.toString();
    }

    /** {@code owner/repo} of a URL, for a button's label (at most 75 characters, as Slack allows). */
    static String label(String repository) {
        String name = repository.replaceFirst("\\.git$", "");
        String[] parts = name.split("[/:]");
        String label = parts.length >= 2 ? parts[parts.length - 2] + "/" + parts[parts.length - 1] : name;
        return label.length() > 75 ? label.substring(0, 74) + "…" : label;
    }
}
