package dev.nightshift.agent;

import dev.nightshift.agent.model.ChatMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fills in the content of the conversation's attachments before a turn. Images are read for the
 * model to see, newest first, while they fit the limits every provider takes (Anthropic refuses an
 * image above 5 MB of base64 and a request above 32 MB): at most {@value #MAX_IMAGES} images of at
 * most {@value #MAX_IMAGE_BYTES} bytes each and {@value #MAX_TOTAL_IMAGE_BYTES} bytes together;
 * older or larger ones are described in words instead. A text file of at most
 * {@value #MAX_INLINE_TEXT_BYTES} bytes is put into its prompt; a larger one is only named, for
 * the agent to read from the workspace. Whether a model sees the images at all is the gateway's
 * decision. Runs on the turn's thread.
 */
final class PromptAttachments {
    static final int MAX_IMAGES = 20;
    static final long MAX_IMAGE_BYTES = 3_750_000;
    static final long MAX_TOTAL_IMAGE_BYTES = 15_000_000;
    static final long MAX_INLINE_TEXT_BYTES = 16 * 1024;

    /** Reads an attachment's content by id (the turn's {@code attachment}). */
    @FunctionalInterface
    interface Loader {
        Optional<byte[]> load(String attachmentId) throws IOException;
    }

    private PromptAttachments() {}

    /** {@link #resolve(List, Loader, Loader)} for a conversation without tool calls' screenshots. */
    static List<ChatMessage> resolve(List<ChatMessage> messages, Loader loader) {
        return resolve(messages, loader, id -> Optional.empty());
    }

    /**
     * @param loader a prompt's attachment by id (the turn's {@code attachment})
     * @param media a screenshot a tool call kept, by artifact id (the turn's {@code media}); shown
     *     within the same limits as a prompt's images. An image whose content is already there is
     *     not read again.
     */
    static List<ChatMessage> resolve(List<ChatMessage> messages, Loader loader, Loader media) {
        // the newest images are the ones worth their place: decide from the end
        int images = 0;
        long imageBytes = 0;
        List<ChatMessage> reversed = new ArrayList<>();
        for (int i = messages.size() - 1; i >= 0; i--) {
            ChatMessage m = messages.get(i);
            if (!(m instanceof ChatMessage.User user) || user.attachments().isEmpty()) {
                reversed.add(m);
                continue;
            }
            List<ChatMessage.Attachment> shown = new ArrayList<>();
            StringBuilder notes = new StringBuilder();
            for (ChatMessage.Attachment a : user.attachments()) {
                if (!a.image()) {
                    notes.append(text(a, loader)).append("\n\n");
                } else if (a.size() > MAX_IMAGE_BYTES) {
                    shown.add(a.withheld("it is too large to show to the model (over "
                            + ChatMessage.Attachment.readableSize(MAX_IMAGE_BYTES) + ")"));
                } else if (images >= MAX_IMAGES || imageBytes + a.size() > MAX_TOTAL_IMAGE_BYTES) {
                    shown.add(a.withheld("it is no longer shown to the model: newer images took its place"));
                } else {
                    Optional<byte[]> data =
                            a.data() != null ? Optional.of(a.data()) : read(a, a.toolMedia() ? media : loader);
                    if (data.isPresent()) {
                        images++;
                        imageBytes += data.get().length;
                        shown.add(a.withData(data.get()));
                    } else {
                        shown.add(a.withheld("its content could not be read"));
                    }
                }
            }
            String text = notes.isEmpty()
                    ? user.text()
                    : user.text() + "\n\n" + notes.toString().strip();
            reversed.add(new ChatMessage.User(text, shown));
        }
        List<ChatMessage> out = new ArrayList<>(reversed.size());
        for (int i = reversed.size() - 1; i >= 0; i--) {
            out.add(reversed.get(i));
        }
        return out;
    }

    /** A text file as the prompt carries it: named, and its content when it is small. */
    private static String text(ChatMessage.Attachment a, Loader loader) {
        if (a.size() > MAX_INLINE_TEXT_BYTES) {
            return a.note("read it from there");
        }
        Optional<byte[]> data = read(a, loader);
        if (data.isEmpty()) {
            return a.note("its content could not be read");
        }
        String content = new String(data.get(), StandardCharsets.UTF_8);
        String fence = "```";
        while (content.contains(fence)) {
            fence += "`";
        }
        return a.note(null) + "\n" + fence + "\n" + content + (content.endsWith("\n") ? "" : "\n") + fence;
    }

    private static Optional<byte[]> read(ChatMessage.Attachment a, Loader loader) {
        try {
            return loader.load(a.id());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
