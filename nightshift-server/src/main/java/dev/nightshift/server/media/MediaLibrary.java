package dev.nightshift.server.media;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.Ids;
import dev.nightshift.core.model.Artifact;
import dev.nightshift.core.port.BlobStore;
import dev.nightshift.core.port.Media;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.http.Json;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * The session's screenshots and videos: checked (the bytes must be what they claim, within the
 * limits of {@link Media}), stored in the {@link BlobStore} by their SHA-256, and recorded as
 * {@code screenshot}/{@code video} artifacts whose {@code url} serves them ({@link MediaRoutes}).
 *
 * <p>The per-session counts hold under concurrency through a per-session lock in this node,
 * held from the count to the insert: a session's turn runs on one node at a time (its lease), and
 * its tool calls (subagents' included) run on that node, so no other node adds to its media
 * meanwhile. Called on turns' threads ({@link #keep}) and request threads (reads); thread-safe.
 */
public final class MediaLibrary {
    public static final int MAX_NAME_CHARS = 120;
    public static final int MAX_CAPTION_CHARS = 500;
    private static final int LOCK_STRIPES = 64;
    private static final Pattern UNSAFE_NAME = Pattern.compile("[^A-Za-z0-9._ -]+");

    private final Store store;
    private final BlobStore blobs;
    private final Clock clock;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    public MediaLibrary(Store store, BlobStore blobs, Clock clock) {
        this.store = store;
        this.blobs = blobs;
        this.clock = clock;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** One stored screenshot or video, as its artifact describes it. */
    public record Item(
            Artifact artifact,
            String type,
            String sha256,
            String mediaType,
            String name,
            long bytes,
            int width,
            int height,
            long durationMillis,
            String caption,
            String label) {}

    /** The API path that serves an item's content. */
    public static String url(String sessionId, String artifactId) {
        return "/api/sessions/" + sessionId + "/media/" + artifactId;
    }

    /**
     * Checks and keeps one screenshot or video of a session (see {@link
     * dev.nightshift.core.port.Turn#keepMedia}). Nothing is recorded when it is refused.
     *
     * @throws Media.Refused past a limit or when the bytes are not what {@code media} says, with
     *     the limit (or the problem) and what to do in the message
     */
    public Artifact keep(String sessionId, Media media, InputStream content) throws IOException {
        String type = media.type();
        String expected = Media.VIDEO.equals(type) ? "video/mp4" : "image/png";
        if (!expected.equals(media.mediaType())) {
            throw new Media.Refused("a " + type + " must be " + expected + ", not " + media.mediaType());
        }
        String label = media.label().strip().toLowerCase(Locale.ROOT);
        if (!label.isEmpty() && !label.equals("before") && !label.equals("after")) {
            throw new Media.Refused("the label must be 'before', 'after' or empty, not '" + media.label() + "'");
        }
        if (Media.VIDEO.equals(type) && media.durationMillis() > Media.MAX_VIDEO_MILLIS) {
            throw tooLong(media.durationMillis());
        }
        ReentrantLock lock = locks[Math.floorMod(sessionId.hashCode(), LOCK_STRIPES)];
        try {
            lock.lockInterruptibly(); // a stopped turn does not wait for another call's upload
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("the turn was stopped before the " + type + " was kept");
        }
        try {
            int max = Media.maxPerSession(type);
            long kept = store.artifacts().list(sessionId).stream()
                    .filter(a -> type.equals(a.type()))
                    .count();
            if (kept >= max) {
                throw new Media.Refused("this session already keeps " + kept + " " + plural(type)
                        + ", the most one session may keep (" + max + "); this one was not kept. "
                        + "Say in words what it would show instead.");
            }
            BufferedInputStream in = new BufferedInputStream(content, 64 * 1024);
            in.mark(MediaFormats.HEAD_BYTES);
            byte[] head = in.readNBytes(MediaFormats.HEAD_BYTES);
            in.reset();
            int width = media.width();
            int height = media.height();
            try {
                if (Media.SCREENSHOT.equals(type)) {
                    MediaFormats.Size size = MediaFormats.png(head);
                    width = size.width();
                    height = size.height();
                } else {
                    MediaFormats.mp4(head);
                }
            } catch (IllegalArgumentException e) {
                throw new Media.Refused(e.getMessage() + "; a " + type + " must be " + expected);
            }
            long maxBytes = Media.maxBytes(type);
            BlobStore.Blob blob = blobs.put(new Capped(in, maxBytes, type), maxBytes + 1);
            long durationMillis = media.durationMillis();
            if (Media.VIDEO.equals(type)) {
                OptionalLong measured = measure(blob.sha256());
                if (measured.isPresent()) {
                    durationMillis = measured.getAsLong();
                }
                if (durationMillis > Media.MAX_VIDEO_MILLIS) {
                    throw tooLong(durationMillis);
                }
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("sha256", blob.sha256());
            data.put("mediaType", expected);
            data.put("name", name(media.name(), type));
            data.put("bytes", blob.size());
            data.put("width", Math.max(0, width));
            data.put("height", Math.max(0, height));
            data.put("durationMillis", Media.VIDEO.equals(type) ? Math.max(0, durationMillis) : 0);
            data.put("caption", cut(media.caption().strip(), MAX_CAPTION_CHARS));
            data.put("label", label);
            String id = Ids.newId("art");
            return store.artifacts().add(id, sessionId, type, url(sessionId, id), Json.write(data), clock.instant());
        } finally {
            lock.unlock();
        }
    }

    /** The session's screenshots and videos, oldest first. */
    public List<Item> list(String sessionId) {
        return items(store.artifacts().list(sessionId));
    }

    /** The screenshots and videos among artifacts, in their order. */
    public static List<Item> items(List<Artifact> artifacts) {
        return artifacts.stream()
                .map(MediaLibrary::item)
                .flatMap(Optional::stream)
                .toList();
    }

    /** One of the session's screenshots or videos; empty when it has no such item. */
    public Optional<Item> find(String sessionId, String artifactId) {
        return store.artifacts().list(sessionId).stream()
                .filter(a -> a.id().equals(artifactId))
                .findFirst()
                .flatMap(MediaLibrary::item);
    }

    /** The item's content, to be closed by the caller; empty when it is no longer stored. */
    public Optional<InputStream> open(Item item) throws IOException {
        return blobs.open(item.sha256());
    }

    /**
     * The whole content of a screenshot or video of the session, when it has at most
     * {@code maxBytes}; empty when there is no such item, it is larger, or its content is gone.
     */
    public Optional<byte[]> read(String sessionId, String artifactId, long maxBytes) throws IOException {
        Optional<Item> item = find(sessionId, artifactId);
        if (item.isEmpty() || item.get().bytes() > maxBytes) {
            return Optional.empty();
        }
        return blobs.read(item.get().sha256());
    }

    /** An artifact as an item, when it is a stored screenshot or video. */
    static Optional<Item> item(Artifact a) {
        if (!Media.SCREENSHOT.equals(a.type()) && !Media.VIDEO.equals(a.type())) {
            return Optional.empty();
        }
        JsonNode data;
        try {
            data = Json.MAPPER.readTree(a.data() == null ? "{}" : a.data());
        } catch (IOException e) {
            return Optional.empty();
        }
        String sha = data.path("sha256").asText("");
        if (!sha.matches("[0-9a-f]{64}")) {
            return Optional.empty(); // not one this library kept
        }
        return Optional.of(new Item(
                a,
                a.type(),
                sha,
                data.path("mediaType").asText(Media.VIDEO.equals(a.type()) ? "video/mp4" : "image/png"),
                data.path("name").asText(a.type()),
                data.path("bytes").asLong(),
                data.path("width").asInt(),
                data.path("height").asInt(),
                data.path("durationMillis").asLong(),
                data.path("caption").asText(""),
                data.path("label").asText("")));
    }

    private OptionalLong measure(String sha256) throws IOException {
        Optional<InputStream> stored = blobs.open(sha256);
        if (stored.isEmpty()) {
            return OptionalLong.empty();
        }
        try (InputStream in = new BufferedInputStream(stored.get(), 64 * 1024)) {
            return MediaFormats.mp4DurationMillis(in);
        }
    }

    private static Media.Refused tooLong(long millis) {
        return new Media.Refused(String.format(
                Locale.ROOT,
                "the video is %.1f s long; a video may be at most %d s (Media.MAX_VIDEO_MILLIS). Record a shorter one.",
                millis / 1000.0,
                Media.MAX_VIDEO_MILLIS / 1000));
    }

    /** A safe file name for people: ASCII letters, digits, dots, dashes, spaces; the right extension. */
    static String name(String name, String type) {
        String extension = Media.VIDEO.equals(type) ? ".mp4" : ".png";
        String clean = UNSAFE_NAME
                .matcher(name == null ? "" : name)
                .replaceAll("-")
                .strip()
                .replaceAll("^[.-]+", "");
        if (clean.toLowerCase(Locale.ROOT).endsWith(extension)) {
            clean = clean.substring(0, clean.length() - extension.length());
        }
        clean = cut(clean, MAX_NAME_CHARS - extension.length()).strip();
        return (clean.isEmpty() ? type : clean) + extension;
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    private static String plural(String type) {
        return type + "s";
    }

    /** The content, refused with the limit in the message once it passes {@code maxBytes}. */
    private static final class Capped extends FilterInputStream {
        private final long maxBytes;
        private final String type;
        private long count;

        Capped(InputStream in, long maxBytes, String type) {
            super(in);
            this.maxBytes = maxBytes;
            this.type = type;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) throws Media.Refused {
            count += n;
            if (count > maxBytes) {
                throw new Media.Refused("the " + type + " is larger than " + (maxBytes >> 20) + " MiB, the most one "
                        + type + " may have; it was not kept. "
                        + (Media.VIDEO.equals(type)
                                ? "Record a shorter video or a smaller window."
                                : "Take a smaller screenshot (a part of the page, a smaller window)."));
            }
        }
    }
}
