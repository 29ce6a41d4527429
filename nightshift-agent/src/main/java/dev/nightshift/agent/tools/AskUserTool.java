package dev.nightshift.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.event.EventPayload.QuestionItem;
import dev.nightshift.core.policy.QuestionRules;
import dev.nightshift.core.port.Ask;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Asks the session's members one to four questions and pauses the turn until one of them answers
 * (in the web UI, the CLI, the Slack thread or the Linear issue) or the question times out. The turn
 * holds nothing while it waits; when it goes on, the answer is this call's result.
 */
public final class AskUserTool extends BaseTool {
    public static final String NAME = "ask_user";
    private static final Set<String> ITEM_FIELDS = new LinkedHashSet<>(List.of("question", "options"));

    private static final String DESCRIPTION = """
            Asks the people in this session 1 to %d questions and waits for their answer; the turn pauses \
            (possibly for hours) and goes on with the answer as this call's result, or with a note that no answer \
            came in time. Ask only what you cannot find out yourself and what changes what you will do: a decision \
            between approaches, a missing requirement, a credential or account only they have. Give each question \
            2 to %d short `options` when the likely answers are known (people may still answer in their own words), \
            or none for a free-text answer. Ask all you need in one call.""".formatted(QuestionRules.MAX_QUESTIONS, QuestionRules.MAX_OPTIONS);
    private static final String SCHEMA =
            """
            {
              "type": "object",
              "properties": {
                "questions": {
                  "type": "array",
                  "minItems": 1,
                  "maxItems": %d,
                  "items": {
                    "type": "object",
                    "properties": {
                      "question": {"type": "string", "description": "the question, complete in itself"},
                      "options": {"type": "array", "maxItems": %d, "items": {"type": "string"}, "description": "2 to %d likely answers; leave out for free text"}
                    },
                    "required": ["question"],
                    "additionalProperties": false
                  }
                }
              },
              "required": ["questions"],
              "additionalProperties": false
            }""".formatted(QuestionRules.MAX_QUESTIONS, QuestionRules.MAX_OPTIONS, QuestionRules.MAX_OPTIONS);

    public AskUserTool() {
        super(NAME, DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return true; // asking changes nothing: a read-only session and a plan not yet approved may ask
    }

    @Override
    public boolean pausesTurn() {
        return true;
    }

    @Override
    ToolResult run(Args args, ToolContext context) throws Args.Invalid {
        JsonNode items = args.array("questions");
        List<String> questions = new ArrayList<>();
        List<List<String>> options = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Args item = Args.nested(items.get(i), ITEM_FIELDS, "questions[" + i + "]");
            questions.add(item.nonBlank("question").strip());
            List<String> choices = new ArrayList<>();
            JsonNode given = items.get(i).get("options");
            if (given != null && !given.isNull()) {
                if (!given.isArray()) {
                    throw new Args.Invalid(
                            "'questions[" + i + "].options' must be an array of strings, got " + Args.describe(given));
                }
                for (JsonNode option : given) {
                    if (!option.isTextual()) {
                        throw new Args.Invalid(
                                "'questions[" + i + "].options' must hold strings, got " + Args.describe(option));
                    }
                    choices.add(option.asText().strip());
                }
            }
            options.add(choices);
        }
        Optional<String> problem = QuestionRules.checkQuestions(questions, options);
        if (problem.isPresent()) {
            return ToolResult.error(problem.get());
        }
        List<QuestionItem> asked = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            asked.add(new QuestionItem(questions.get(i), options.get(i)));
        }
        return context.ask(Ask.questions(null, asked))
                .map(id -> ToolResult.ok("asked (" + id + "); the turn waits for the answer"))
                .orElseGet(() -> ToolResult.error(
                        "no one can be asked from here (a subagent cannot ask, and a stopped turn asks nothing);"
                                + " decide yourself and say in your report what you assumed"));
    }
}
