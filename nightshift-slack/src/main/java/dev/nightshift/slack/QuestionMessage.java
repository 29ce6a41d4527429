package dev.nightshift.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nightshift.core.policy.QuestionRules;
import java.util.List;

/**
 * The agent's question, or its plan, as a message in the thread its session came from. One question
 * with options gets a button per option ({@value #ANSWER_PREFIX}{@code <n>}, its value {@code
 * <question id> <n>}); other questions are answered by a reply in the thread, one line per question; a
 * plan gets an Approve button ({@value #APPROVE_ACTION_ID}, its value the plan id), and a reply asks
 * for changes. {@link #blocksJson} is the Block Kit layout, {@link #text} the plain fallback; what
 * comes from the session is escaped so it cannot mention anyone or make links, and cut to Slack's
 * limits. Immutable and pure: any thread may render it.
 *
 * @param id the question's or the plan's id
 * @param questions the questions, for a question; empty for a plan
 * @param plan the plan, for a plan; null for a question
 * @param sessionUrl the session's page; null leaves the link out
 */
public record QuestionMessage(String id, List<Item> questions, String plan, String sessionUrl) {
    /** Answer buttons' action ids start with this ({@code nightshift_answer_0} …), unique in their block. */
    public static final String ANSWER_PREFIX = "nightshift_answer_";
    /** The Approve button of a plan; its value is the plan's id. */
    public static final String APPROVE_ACTION_ID = "nightshift_approve";
    /** The longest plan shown; a section's text may have 3,000 characters. */
    public static final int MAX_PLAN_CHARS = 2_800;

    private static final int MAX_QUESTION_CHARS = 1_000;
    private static final int MAX_BUTTON_CHARS = 75;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One question and its options (none: free text). */
    public record Item(String question, List<String> options) {
        public Item {
            options = options == null ? List.of() : List.copyOf(options);
        }
    }

    public QuestionMessage {
        questions = questions == null ? List.of() : List.copyOf(questions);
    }

    public static QuestionMessage question(String id, List<Item> questions, String sessionUrl) {
        return new QuestionMessage(id, questions, null, sessionUrl);
    }

    public static QuestionMessage plan(String id, String plan, String sessionUrl) {
        return new QuestionMessage(id, List.of(), plan, sessionUrl);
    }

    /** Whether people answer with the buttons (one question with options) rather than a reply. */
    public boolean buttons() {
        return plan != null
                || (questions.size() == 1 && !questions.getFirst().options().isEmpty());
    }

    /** The fallback text: what is asked and how to answer. */
    public String text() {
        StringBuilder out = new StringBuilder();
        if (plan != null) {
            out.append("The agent proposes a plan and waits for your approval:\n")
                    .append(cut(escape(plan), MAX_PLAN_CHARS));
        } else {
            out.append("The agent asks:");
            for (int i = 0; i < questions.size(); i++) {
                out.append('\n').append(line(i));
            }
        }
        out.append('\n').append(howToAnswer());
        return out.toString();
    }

    public String blocksJson() {
        ArrayNode blocks = JSON.createArrayNode();
        if (plan != null) {
            section(
                    blocks,
                    "*The agent proposes a plan* and waits for your approval:\n" + cut(escape(plan), MAX_PLAN_CHARS));
            ObjectNode actions = blocks.addObject().put("type", "actions");
            ObjectNode approve = actions.putArray("elements").addObject();
            approve.put("type", "button").put("action_id", APPROVE_ACTION_ID).put("style", "primary");
            approve.putObject("text").put("type", "plain_text").put("text", "Approve");
            approve.put("value", id);
        } else {
            section(blocks, "*The agent asks:*");
            for (int i = 0; i < questions.size(); i++) {
                section(blocks, line(i));
            }
            if (buttons()) {
                ObjectNode actions = blocks.addObject().put("type", "actions");
                ArrayNode elements = actions.putArray("elements");
                List<String> options = questions.getFirst().options();
                for (int o = 0; o < options.size(); o++) {
                    ObjectNode button = elements.addObject();
                    button.put("type", "button").put("action_id", ANSWER_PREFIX + o);
                    button.putObject("text")
                            .put("type", "plain_text")
                            .put("text", cut(options.get(o), MAX_BUTTON_CHARS));
                    button.put("value", id + " " + o);
                }
            }
        }
        ObjectNode context = blocks.addObject().put("type", "context");
        context.putArray("elements")
                .addObject()
                .put("type", "mrkdwn")
                .put("text", howToAnswer() + (sessionUrl == null ? "" : " <" + sessionUrl + "|Open the session>"));
        return blocks.toString();
    }

    private String line(int i) {
        Item item = questions.get(i);
        StringBuilder out = new StringBuilder()
                .append(questions.size() > 1 ? (i + 1) + ". " : "")
                .append(cut(escape(item.question()), MAX_QUESTION_CHARS));
        char letter = 'a';
        for (String option : item.options()) {
            out.append("\n   ").append(letter++).append(") ").append(cut(escape(option), MAX_QUESTION_CHARS));
        }
        return out.toString();
    }

    private String howToAnswer() {
        if (plan != null) {
            return "Approve it, or reply in this thread with the changes you want.";
        }
        if (buttons()) {
            return "Pick an answer, or reply in this thread in your own words.";
        }
        return questions.size() == 1
                ? "Reply in this thread to answer."
                : "Reply in this thread with one line per question, in order (an option's letter or your own words).";
    }

    /** An answer shown in place of the buttons once someone has answered. */
    public static String answeredBlocksJson(String what, String who) {
        ArrayNode blocks = JSON.createArrayNode();
        section(blocks, escape(what));
        blocks.addObject()
                .put("type", "context")
                .putArray("elements")
                .addObject()
                .put("type", "mrkdwn")
                .put("text", "Answered by <@" + who.replaceAll("[^A-Za-z0-9]", "") + ">; the agent goes on.");
        return blocks.toString();
    }

    /** A thread reply as answers: see {@link QuestionRules#readReply}. */
    public static java.util.Optional<List<String>> answers(List<Item> questions, String reply) {
        return QuestionRules.readReply(questions.stream().map(Item::options).toList(), reply);
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject()
                .put("type", "section")
                .putObject("text")
                .put("type", "mrkdwn")
                .put("text", mrkdwn);
    }

    private static String escape(String text) {
        return text == null
                ? ""
                : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
