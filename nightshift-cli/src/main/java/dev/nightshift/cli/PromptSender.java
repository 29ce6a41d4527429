package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends a prompt: as JSON, or as a form with the files given with {@code --attach} (images and
 * text files; the server checks what it takes and says why it refuses one).
 */
final class PromptSender {
    /** The help text of {@code --attach}, the same for every command that has it. */
    static final String ATTACH_HELP =
            "A file to send with the prompt: an image (PNG, JPEG, GIF, WebP) the model can see,"
                    + " or a text file. Repeat for more (the server's limit is 6 of 10 MiB each by default)."
                    + " Each is also put in the workspace at .nightshift/attachments/.";

    private PromptSender() {}

    /** Refuses (as a usage error) a file that is not there or cannot be read, before anything is sent. */
    static void checkReadable(List<Path> files) {
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new CliException(ExitCodes.USAGE, "--attach " + file + ": no such file");
            }
            if (!Files.isReadable(file)) {
                throw new CliException(ExitCodes.USAGE, "--attach " + file + ": cannot be read");
            }
        }
    }

    static JsonNode send(NightshiftApi api, String sessionId, Map<String, Object> prompt, List<Path> files) {
        String path = ClientCommand.sessionPath(sessionId) + "/prompts";
        if (files == null || files.isEmpty()) {
            return api.post(path, prompt);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        prompt.forEach((name, value) -> fields.put(name, String.valueOf(value)));
        return api.postForm(path, fields, "attachment", files);
    }
}
