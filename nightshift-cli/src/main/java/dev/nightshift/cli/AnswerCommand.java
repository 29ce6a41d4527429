package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nightshift answer}: answer the question a session's agent waits on (one answer per question;
 * an option by its text or its letter), or ask for changes to the plan it waits on.
 */
@Command(
        name = "answer",
        sortOptions = false,
        description = {
            "Answer the question a session's agent asked, so its turn goes on.",
            "One ANSWER per question, in order: an option by its letter (a, b, …) or text, or your own words.",
            "When the agent waits on its plan instead, the words are the changes you ask for",
            "('nightshift approve' approves it)."
        })
final class AnswerCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "SESSION", description = "Session id.")
    String sessionId;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "ANSWER", description = "One answer per question.")
    List<String> answers;

    @Option(
            names = "--question",
            paramLabel = "ID",
            description = "The question (qst_…) or plan (pln_…) to answer; default: the one the session waits on.")
    String questionId;

    @Option(names = "--json", description = "For scripts: the answered question as JSON.")
    boolean json;

    AnswerCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    protected int run(NightshiftApi api) {
        JsonNode question = find(api);
        String id = question.path("id").asText();
        boolean plan = question.path("kind").asText().equals("plan");
        List<String> sent = plan ? List.of(String.join(" ", answers).strip()) : resolve(question.path("data"));
        JsonNode answered = api.post(
                sessionPath(sessionId) + "/questions/"
                        + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8) + "/answer",
                Map.of("answers", sent));
        if (json) {
            terminal.out().println(answered.toString());
        } else {
            terminal.out()
                    .println((plan ? "asked for changes to plan " : "answered ") + id + " in session " + sessionId
                            + "; the agent goes on");
        }
        terminal.out().flush();
        return ExitCodes.OK;
    }

    /** The question named, else the one the session waits on. */
    private JsonNode find(NightshiftApi api) {
        JsonNode listed = api.get(sessionPath(sessionId) + "/questions").path("questions");
        for (JsonNode q : listed) {
            if (questionId != null
                    ? q.path("id").asText().equals(questionId)
                    : q.path("status").asText().equals("open")) {
                return q;
            }
        }
        throw new CliException(
                ExitCodes.REFUSED,
                questionId != null
                        ? "session " + sessionId + " has no question " + questionId
                        : "session " + sessionId + " waits for no answer");
    }

    /** One answer per question: a letter or an option's text (any case) becomes that option's text. */
    private List<String> resolve(JsonNode data) {
        JsonNode questions = data.path("questions");
        if (answers.size() != questions.size()) {
            StringBuilder asked = new StringBuilder();
            for (JsonNode q : questions) {
                asked.append("\n  ").append(q.path("question").asText());
            }
            throw new CliException(
                    ExitCodes.USAGE,
                    "the agent asked " + questions.size() + (questions.size() == 1 ? " question" : " questions")
                            + "; give one answer for each, in order (quote answers of several words):" + asked);
        }
        List<String> resolved = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            resolved.add(option(questions.get(i).path("options"), answers.get(i).strip()));
        }
        return resolved;
    }

    private static String option(JsonNode options, String answer) {
        List<String> texts = new ArrayList<>();
        options.forEach(o -> texts.add(o.asText()));
        return dev.nightshift.core.policy.QuestionRules.option(texts, answer);
    }
}
