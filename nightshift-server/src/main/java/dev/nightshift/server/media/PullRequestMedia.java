package dev.nightshift.server.media;

import dev.nightshift.core.port.Media;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The "Screenshots" section of a session's pull request: each screenshot and video linked to the
 * session's page, where it opens large (the content itself needs a Nightshift sign-in, so GitHub
 * cannot embed it); the agent's before and after screenshots side by side in a table. A session
 * without media gets no section. Pure.
 */
public final class PullRequestMedia {
    /** The most items linked; a session may keep more, and its page shows them all. */
    static final int MAX_LINKED = 40;

    private PullRequestMedia() {}

    /**
     * The section, starting with its heading and ending with a blank line; empty when there is no
     * media.
     *
     * @param baseUrl the server's public base URL, without a trailing slash
     */
    public static String section(String baseUrl, String sessionId, List<MediaLibrary.Item> items) {
        if (items.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("### Screenshots\n\n");
        List<MediaLibrary.Item> before = labelled(items, "before");
        List<MediaLibrary.Item> after = labelled(items, "after");
        List<MediaLibrary.Item> rest = new ArrayList<>(items);
        if (!before.isEmpty() && !after.isEmpty()) {
            out.append("| Before | After |\n|---|---|\n");
            int rows = Math.max(before.size(), after.size());
            for (int i = 0; i < rows; i++) {
                out.append("| ")
                        .append(i < before.size() ? link(baseUrl, sessionId, before.get(i)) : "")
                        .append(" | ")
                        .append(i < after.size() ? link(baseUrl, sessionId, after.get(i)) : "")
                        .append(" |\n");
            }
            out.append('\n');
            rest.removeAll(before);
            rest.removeAll(after);
        }
        int linked = 0;
        for (MediaLibrary.Item item : rest) {
            if (linked++ == MAX_LINKED) {
                out.append("- … and ").append(rest.size() - MAX_LINKED).append(" more on the session's page\n");
                break;
            }
            out.append("- ").append(link(baseUrl, sessionId, item)).append('\n');
        }
        if (!rest.isEmpty()) {
            out.append('\n');
        }
        return out.toString();
    }

    private static List<MediaLibrary.Item> labelled(List<MediaLibrary.Item> items, String label) {
        return items.stream()
                .filter(i -> Media.SCREENSHOT.equals(i.type()) && label.equals(i.label()))
                .toList();
    }

    /** {@code [name](url)}, a video's length, and the caption, as plain text GitHub cannot read as markup. */
    static String link(String baseUrl, String sessionId, MediaLibrary.Item item) {
        StringBuilder out = new StringBuilder("[")
                .append(escape(item.name()))
                .append("](")
                .append(baseUrl)
                .append("/sessions/")
                .append(sessionId)
                .append("#media-")
                .append(item.artifact().id())
                .append(')');
        if (Media.VIDEO.equals(item.type())) {
            out.append(String.format(Locale.ROOT, " (video, %.0f s)", item.durationMillis() / 1000.0));
        }
        if (!item.caption().isBlank()) {
            out.append(": ")
                    .append(escape(item.caption().replaceAll("\\s+", " ").strip()));
        }
        return out.toString();
    }

    /** Markdown and table syntax in the agent's words shown as text. */
    static String escape(String text) {
        return text.replaceAll("([\\\\`*_\\[\\]()<>#|!~])", "\\\\$1");
    }
}
