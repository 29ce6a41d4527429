package dev.nightshift.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.asSectionFields;
import static com.slack.api.model.block.composition.BlockCompositions.confirmationDialog;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.google.gson.Gson;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.TextObject;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.util.json.GsonFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one status message a Slack thread gets for a session, posted once and then edited in place
 * ({@link SlackClient#postMessage}, {@link SlackClient#update}): what the session is doing while it
 * works, and what came of it at the end. {@link #blocksJson} is the Block Kit layout, built with the
 * SDK's block builders; {@link #text} is the plain fallback Slack shows in notifications and where
 * blocks cannot be shown.
 *
 * <p>While {@link Phase#WORKING}: the header line, the current step and the tool running, the plan's
 * progress (k of n done, then the items), and the buttons "Open session" (a link) and "Stop"
 * ({@value #STOP_ACTION_ID}, its value the session id, red, asking for confirmation). At the end
 * ({@link Phase#DONE} or {@link Phase#FAILED} with its reason): the plan as it ended, the summary
 * (cut to {@value #MAX_SUMMARY_CHARS} characters), the branch and the pull request, and "Open session"
 * alone.
 *
 * <p>Everything that comes from the session (step, tool, plan items, summary, reason, branch) is
 * escaped ({@code &}, {@code <}, {@code >}) so it cannot mention people or channels ({@code
 * <!channel>}) or make links, and is cut so no block goes over Slack's limits. Immutable and pure:
 * any thread may render it.
 *
 * @param sessionId the session, the Stop button's value
 * @param sessionUrl the session's page in the web UI; null leaves the link out
 * @param reason why the session failed ({@link Phase#FAILED}); null otherwise
 * @param step what the session is doing now ({@link Phase#WORKING}); null when not known yet
 * @param tool the tool running now ({@link Phase#WORKING}); null when none
 * @param plan the agent's plan, in order; empty when it made none
 * @param summary the agent's summary at the end; null when there is none
 * @param branch the branch the session's work was pushed to; null when none
 * @param pullRequestUrl the pull request opened for the branch; null when none
 */
public record StatusMessage(
        Phase phase,
        String sessionId,
        String sessionUrl,
        String reason,
        String step,
        String tool,
        List<PlanItem> plan,
        String summary,
        String branch,
        String pullRequestUrl) {

    /** The Stop button's {@code action_id}; its {@code value} is the session id. */
    public static final String STOP_ACTION_ID = "nightshift_stop";
    /**
     * The Open session button's {@code action_id}. A link button still sends a {@code block_actions}
     * payload when clicked, which only needs an acknowledgement.
     */
    public static final String OPEN_ACTION_ID = "nightshift_open";
    /** The longest summary shown; a section's text may have 3,000 characters. */
    public static final int MAX_SUMMARY_CHARS = 2_800;
    /** The most plan items listed; the rest are counted. */
    public static final int MAX_PLAN_ITEMS = 15;
    /** The longest plan item, step, tool or branch shown. */
    public static final int MAX_LINE_CHARS = 150;
    /** The longest failure reason shown. */
    public static final int MAX_REASON_CHARS = 500;

    private static final Gson GSON = GsonFactory.createSnakeCase();
    /** Slack's limit on a link button's URL. */
    private static final int MAX_URL_CHARS = 3_000;

    /** Where the session is. */
    public enum Phase {
        WORKING,
        DONE,
        FAILED
    }

    /** One item of the agent's plan. */
    public record PlanItem(String text, boolean done) {
        public PlanItem {
            text = text == null ? "" : text;
        }
    }

    public StatusMessage {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(sessionId, "sessionId");
        plan = plan == null ? List.of() : List.copyOf(plan);
    }

    /** A session at work: {@code step} and {@code tool} may be null. */
    public static StatusMessage working(
            String sessionId, String sessionUrl, String step, String tool, List<PlanItem> plan) {
        return new StatusMessage(Phase.WORKING, sessionId, sessionUrl, null, step, tool, plan, null, null, null);
    }

    /** A session whose turn ended well; {@code summary}, {@code branch} and {@code pullRequestUrl} may be null. */
    public static StatusMessage done(
            String sessionId,
            String sessionUrl,
            List<PlanItem> plan,
            String summary,
            String branch,
            String pullRequestUrl) {
        return new StatusMessage(
                Phase.DONE, sessionId, sessionUrl, null, null, null, plan, summary, branch, pullRequestUrl);
    }

    /** A session that failed (or was stopped) for {@code reason}, with what it left. */
    public static StatusMessage failed(
            String sessionId,
            String sessionUrl,
            String reason,
            List<PlanItem> plan,
            String summary,
            String branch,
            String pullRequestUrl) {
        return new StatusMessage(
                Phase.FAILED, sessionId, sessionUrl, reason, null, null, plan, summary, branch, pullRequestUrl);
    }

    /** The Block Kit blocks, as the JSON array {@code chat.postMessage} and {@code chat.update} take. */
    public String blocksJson() {
        return GSON.toJson(blocks());
    }

    /** The blocks as the SDK's objects. */
    public List<LayoutBlock> blocks() {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(headline()))));
        if (phase == Phase.WORKING) {
            blocks.add(context(List.of(markdownText(progressLine()))));
        }
        if (!plan.isEmpty()) {
            blocks.add(section(s -> s.text(markdownText(planText()))));
        }
        if (phase != Phase.WORKING) {
            if (present(summary)) {
                blocks.add(section(s -> s.text(markdownText(fit(summary.strip(), MAX_SUMMARY_CHARS)))));
            }
            List<TextObject> fields = new ArrayList<>();
            if (present(branch)) {
                fields.add(markdownText("*Branch*\n`" + fit(branch, MAX_LINE_CHARS) + "`"));
            }
            if (present(pullRequestUrl)) {
                fields.add(markdownText("*Pull request*\n" + link(pullRequestUrl, pullRequestUrl)));
            }
            if (!fields.isEmpty()) {
                blocks.add(section(s -> s.fields(asSectionFields(fields.toArray(TextObject[]::new)))));
            }
        }
        List<BlockElement> buttons = new ArrayList<>();
        if (usableUrl(sessionUrl)) {
            buttons.add(button(b ->
                    b.actionId(OPEN_ACTION_ID).text(plainText("Open session")).url(sessionUrl)));
        }
        if (phase == Phase.WORKING) {
            buttons.add(button(b -> b.actionId(STOP_ACTION_ID)
                    .text(plainText("Stop"))
                    .value(sessionId)
                    .style("danger")
                    .confirm(confirmationDialog(c -> c.title(plainText("Stop this session?"))
                            .text(plainText("The agent stops where it is; what it pushed stays."))
                            .confirm(plainText("Stop"))
                            .deny(plainText("Keep working"))
                            .style("danger")))));
        }
        if (!buttons.isEmpty()) {
            blocks.add(actions(buttons));
        }
        return blocks;
    }

    /**
     * The plain-text fallback: the header line with the step, or the summary's first line, and the
     * session's address. Escaped like the blocks, as Slack reads it as mrkdwn too.
     */
    public String text() {
        StringBuilder text = new StringBuilder();
        switch (phase) {
            case WORKING -> {
                text.append("Working on it");
                if (present(step)) {
                    text.append(": ").append(fit(step.strip(), MAX_LINE_CHARS));
                }
            }
            case DONE -> {
                text.append("Done");
                if (present(summary)) {
                    text.append(": ").append(fit(firstLine(summary), MAX_LINE_CHARS));
                }
            }
            case FAILED -> {
                text.append("Failed");
                if (present(reason)) {
                    text.append(": ").append(fit(reason.strip(), MAX_REASON_CHARS));
                }
            }
        }
        if (present(pullRequestUrl) && phase != Phase.WORKING) {
            text.append("\nPull request: ").append(escape(pullRequestUrl));
        }
        if (present(sessionUrl)) {
            text.append("\nSession: ").append(escape(sessionUrl));
        }
        return text.toString();
    }

    private String headline() {
        return switch (phase) {
            case WORKING -> ":hourglass_flowing_sand: *Working on it*";
            case DONE -> ":white_check_mark: *Done*";
            case FAILED -> ":x: *Failed*" + (present(reason) ? ": " + fit(reason.strip(), MAX_REASON_CHARS) : "");
        };
    }

    private String progressLine() {
        String line = present(step) ? fit(step.strip(), MAX_LINE_CHARS) : "Starting…";
        if (present(tool)) {
            line += " · running `" + fit(tool.strip(), MAX_LINE_CHARS) + "`";
        }
        return line;
    }

    private String planText() {
        long done = plan.stream().filter(PlanItem::done).count();
        StringBuilder text = new StringBuilder("*Plan* · " + done + " of " + plan.size() + " done");
        for (PlanItem item : plan.subList(0, Math.min(plan.size(), MAX_PLAN_ITEMS))) {
            text.append('\n')
                    .append(item.done() ? ":white_check_mark: " : ":white_large_square: ")
                    .append(fit(item.text().strip(), MAX_LINE_CHARS));
        }
        if (plan.size() > MAX_PLAN_ITEMS) {
            text.append("\n…and ").append(plan.size() - MAX_PLAN_ITEMS).append(" more");
        }
        return text.toString();
    }

    /** A mrkdwn link, or the escaped text when the URL could break out of the link's brackets. */
    private static String link(String url, String label) {
        if (!usableUrl(url)) {
            return fit(label, MAX_LINE_CHARS);
        }
        return "<" + url.replace("&", "&amp;") + "|" + fit(label, MAX_LINE_CHARS) + ">";
    }

    private static boolean usableUrl(String url) {
        return url != null
                && url.length() <= MAX_URL_CHARS
                && (url.startsWith("https://") || url.startsWith("http://"))
                && url.chars().noneMatch(c -> c == '|' || c == '<' || c == '>' || Character.isWhitespace(c));
    }

    /** Slack's three escapes; everything else is shown as written. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * {@code text} escaped, in at most {@code max} characters counted after escaping (Slack's limits
     * count what it receives), ending in … when cut; never splits an escape or a surrogate pair.
     */
    static String fit(String text, int max) {
        String escaped = escape(text);
        if (escaped.length() <= max) {
            return escaped;
        }
        StringBuilder out = new StringBuilder(max);
        int i = 0;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            String piece = switch (codePoint) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                default -> Character.toString(codePoint);
            };
            if (out.length() + piece.length() > max - 1) {
                break;
            }
            out.append(piece);
            i += Character.charCount(codePoint);
        }
        return out.append('…').toString();
    }

    private static String firstLine(String text) {
        String stripped = text.strip();
        int newline = stripped.indexOf('\n');
        return newline < 0 ? stripped : stripped.substring(0, newline).strip();
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
