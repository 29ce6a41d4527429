package dev.nightshift.server.git;

import dev.nightshift.agent.model.ChatMessage;
import dev.nightshift.agent.model.ModelGateway;
import dev.nightshift.agent.model.ModelListener;
import dev.nightshift.agent.model.ModelRef;
import dev.nightshift.agent.model.ModelRequest;
import dev.nightshift.core.model.Session;
import dev.nightshift.git.CommitMessageWriter;
import java.util.List;

/** Commit messages written by the session's model from the staged diff. */
public final class CommitMessages {
    static final int MAX_OUTPUT_TOKENS = 400;
    static final String INSTRUCTIONS = """
            You write git commit messages. From the staged changes below, write one commit message: a subject \
            line of at most 72 characters in the imperative mood ("Add …", "Fix …"), then a blank line, then a \
            short body (at most a few lines) saying what changed and why. Reply with the message only: no \
            quotes, no code fences, no trailers.""";

    private CommitMessages() {}

    /** A writer that asks the session's model (or the default one); none when no model is configured. */
    public static CommitMessageWriter forSession(ModelGateway gateway, Session session) {
        ModelRef model = session.model() != null ? ModelRef.parse(session.model()) : gateway.defaultModel();
        if (model == null) {
            return CommitMessageWriter.NONE;
        }
        return (stat, patch) -> {
            String changes = "Files changed:\n" + stat + "\n\nPatch:\n" + patch;
            var response = gateway.stream(
                    new ModelRequest(
                            model,
                            List.of(new ChatMessage.System(INSTRUCTIONS), new ChatMessage.User(changes)),
                            List.of(),
                            MAX_OUTPUT_TOKENS),
                    ModelListener.IGNORE,
                    () -> false);
            return clean(response.text());
        };
    }

    /** Strips what models add around a message anyway (fences, quotes); null when nothing usable is left. */
    static String clean(String text) {
        if (text == null) {
            return null;
        }
        String message = text.strip()
                .replaceAll("^```[a-z]*\\n", "")
                .replaceAll("\\n```$", "")
                .strip();
        if (message.length() >= 2 && message.startsWith("\"") && message.endsWith("\"")) {
            message = message.substring(1, message.length() - 1).strip();
        }
        if (message.isEmpty()) {
            return null;
        }
        String subject = message.lines().findFirst().orElse("");
        if (subject.length() > 100) {
            return null; // not a commit message; the plain fallback is better than a wall of text
        }
        return message;
    }
}
