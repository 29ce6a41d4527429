package dev.nightshift.agent.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One entry of the conversation the model sees; rebuilt from the session log for every call. */
public sealed interface ChatMessage {
    record System(String text) implements ChatMessage {}

    /**
     * A prompt.
     *
     * @param attachments its images (text files are part of {@code text}): shown to a model that
     *     sees images when their {@code data} is there, described in words otherwise
     */
    record User(String text, List<Attachment> attachments) implements ChatMessage {
        public User {
            attachments = List.copyOf(attachments);
        }

        public User(String text) {
            this(text, List.of());
        }

        /**
         * The screenshots tool calls took, as the message that follows their results: a model that
         * sees images sees them; another reads one line about each.
         */
        public static User media(List<Attachment> screenshots) {
            return new User("", screenshots);
        }

        /** This prompt for a model that cannot see images: each image becomes a note before the text. */
        public User described() {
            if (attachments.isEmpty()) {
                return this;
            }
            StringBuilder out = new StringBuilder();
            for (Attachment a : attachments) {
                out.append(a.note(a.withheld() != null ? a.withheld() : "this model cannot view images"))
                        .append('\n');
            }
            return new User(
                    text.isEmpty()
                            ? out.toString().strip()
                            : out.append('\n').append(text).toString(),
                    List.of());
        }
    }

    /**
     * A file attached to a prompt.
     *
     * @param path where it is in the workspace, relative to its root; null for a screenshot a tool
     *     call took ({@link #screenshot}), which is a session artifact, not a file of the workspace
     * @param data its content, when it is to be shown to the model; null otherwise
     * @param withheld why it is not shown (too large, unreadable), or null
     */
    record Attachment(String id, String name, String mediaType, long size, String path, byte[] data, String withheld) {

        /**
         * A screenshot a tool call kept, by its artifact id.
         *
         * @param description its name, size in pixels, label and caption, as the model reads them
         */
        public static Attachment screenshot(String artifactId, String description, long size) {
            return new Attachment(artifactId, description, "image/png", size, null, null, null);
        }

        public boolean image() {
            return mediaType != null && mediaType.startsWith("image/");
        }

        /** A screenshot a tool call took, not a file attached to a prompt. */
        public boolean toolMedia() {
            return path == null;
        }

        public Attachment withData(byte[] content) {
            return new Attachment(id, name, mediaType, size, path, content, null);
        }

        public Attachment withheld(String why) {
            return new Attachment(id, name, mediaType, size, path, null, why);
        }

        /** The line that stands before an image shown to the model. */
        public String caption() {
            if (toolMedia()) {
                return "[Screenshot your tool call took: " + name + ", " + readableSize(size) + "]";
            }
            return "[Attached image " + name + " (" + mediaType + ", " + readableSize(size)
                    + "), also in the workspace at " + path + "]";
        }

        /** The note that stands for a file the model does not see. */
        public String note(String why) {
            if (toolMedia()) {
                return "[Your tool call took a screenshot: " + name + ", " + readableSize(size)
                        + (why == null ? "" : "; " + why) + "]";
            }
            String kind = image() ? "An image" : "A file";
            return "[" + kind + " was attached: " + name + " (" + mediaType + ", " + readableSize(size) + "), at "
                    + path + (why == null ? "" : "; " + why) + "]";
        }

        /** {@code 812 bytes}, {@code 12.3 KB}, {@code 4.0 MB}. */
        public static String readableSize(long bytes) {
            if (bytes < 1024) {
                return bytes + " bytes";
            }
            if (bytes < 1024 * 1024) {
                return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
            }
            return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
        }
    }

    record Assistant(String text, List<ToolCall> toolCalls) implements ChatMessage {
        public Assistant {
            toolCalls = List.copyOf(toolCalls);
        }
    }

    /** The answer to one tool call. */
    record ToolResult(String callId, String toolName, String content, boolean error) implements ChatMessage {}

    /** The conversation for a model that cannot see images: every image described in words. */
    static List<ChatMessage> withoutImages(List<ChatMessage> messages) {
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            out.add(m instanceof User u ? u.described() : m);
        }
        return out;
    }
}
