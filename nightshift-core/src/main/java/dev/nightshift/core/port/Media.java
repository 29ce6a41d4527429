package dev.nightshift.core.port;

import java.io.IOException;

/**
 * A screenshot or a video the agent made in its sandbox, to be kept as one of the session's
 * artifacts ({@link Turn#keepMedia}). The limits are the platform's, defined here once: the store
 * refuses what is past them with the limit in the message, so the agent can act on it.
 *
 * @param type {@link #SCREENSHOT} or {@link #VIDEO}
 * @param mediaType {@code image/png} or {@code video/mp4}
 * @param name a file name for people ({@code home-page.png})
 * @param width pixels, as measured (the PNG header, {@code ffprobe})
 * @param height pixels, as measured
 * @param durationMillis a video's length as {@code ffprobe} read it; 0 for a screenshot
 * @param caption what it shows, in the agent's words (may be empty)
 * @param label {@code before} or {@code after} when the agent took it to show a change; empty otherwise
 */
public record Media(
        String type,
        String mediaType,
        String name,
        int width,
        int height,
        long durationMillis,
        String caption,
        String label) {
    public static final String SCREENSHOT = "screenshot";
    public static final String VIDEO = "video";

    public static final long MAX_SCREENSHOT_BYTES = 10L * 1024 * 1024;
    public static final int MAX_SCREENSHOTS_PER_SESSION = 100;
    public static final long MAX_VIDEO_BYTES = 100L * 1024 * 1024;
    public static final long MAX_VIDEO_MILLIS = 90_000;
    public static final int MAX_VIDEOS_PER_SESSION = 20;

    public Media {
        if (!SCREENSHOT.equals(type) && !VIDEO.equals(type)) {
            throw new IllegalArgumentException("media type must be screenshot or video, got " + type);
        }
        caption = caption == null ? "" : caption;
        label = label == null ? "" : label;
    }

    /** The most bytes one item of {@code type} may have. */
    public static long maxBytes(String type) {
        return VIDEO.equals(type) ? MAX_VIDEO_BYTES : MAX_SCREENSHOT_BYTES;
    }

    /** The most items of {@code type} one session may keep. */
    public static int maxPerSession(String type) {
        return VIDEO.equals(type) ? MAX_VIDEOS_PER_SESSION : MAX_SCREENSHOTS_PER_SESSION;
    }

    /** An item refused at a limit; the message names the limit and what to do. */
    public static final class Refused extends IOException {
        public Refused(String message) {
            super(message);
        }
    }
}
