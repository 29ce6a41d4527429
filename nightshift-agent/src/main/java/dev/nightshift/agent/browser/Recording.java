package dev.nightshift.agent.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonObject;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import dev.nightshift.core.port.Media;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A video of the page being made: Chromium's screencast frames (CDP {@code Page.startScreencast},
 * through a Playwright {@link CDPSession}) streamed into the sandbox as they come with the time
 * each arrived ({@link FrameUpload}), then encoded there by {@code ffmpeg} into H.264 MP4 with each
 * frame shown as long as it was on screen (the concat demuxer's durations), and measured with
 * {@code ffprobe}. At most {@value #MAX_FRAMES_PER_SECOND} frames a second are kept (a later frame
 * replaces a pending one), and it stops itself at {@link Media#MAX_VIDEO_MILLIS}. The screencast
 * side runs on the browser thread; {@link #encode} on the tool's thread.
 */
final class Recording {
    static final int MAX_FRAMES_PER_SECOND = 15;
    static final Duration ENCODE_TIMEOUT = Duration.ofMinutes(3);
    private static final long MIN_FRAME_NANOS = 1_000_000_000L / MAX_FRAMES_PER_SECOND;
    private static final long LIMIT_NANOS = Media.MAX_VIDEO_MILLIS * 1_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A finished video, as measured. */
    record Video(byte[] mp4, int width, int height, long durationMillis) {}

    private record Frame(String name, long atNanos) {}

    private record Pending(byte[] jpeg, long atNanos) {}

    final int number;
    final String directory;
    private final Sandbox sandbox;
    private final CDPSession cdp;
    private final FrameUpload upload;
    private final long startNanos;
    private final List<Frame> frames = new ArrayList<>();
    private Pending pending;
    private long endNanos;
    private int dropped;
    private volatile boolean stoppedAtLimit;
    private volatile String failure;
    private volatile boolean stopped;

    /** Starts the screencast of {@code page}. Browser thread. */
    Recording(Sandbox sandbox, Page page, int number) {
        this.number = number;
        this.sandbox = sandbox;
        this.directory = Chromium.DIR + "/recording-" + number;
        this.upload = new FrameUpload(
                sandbox, directory, Duration.ofMillis(Media.MAX_VIDEO_MILLIS).plusMinutes(5));
        this.cdp = page.context().newCDPSession(page);
        this.startNanos = System.nanoTime();
        cdp.on("Page.screencastFrame", this::onFrame);
        JsonObject params = new JsonObject();
        params.addProperty("format", "jpeg");
        params.addProperty("quality", 80);
        params.addProperty("maxWidth", VirtualDisplay.WIDTH_PIXELS);
        params.addProperty("maxHeight", VirtualDisplay.HEIGHT_PIXELS);
        cdp.send("Page.startScreencast", params);
    }

    private void onFrame(JsonObject event) {
        long now = System.nanoTime();
        JsonObject ack = new JsonObject();
        ack.add("sessionId", event.get("sessionId"));
        try {
            cdp.send("Page.screencastFrameAck", ack);
        } catch (RuntimeException e) {
            // the screencast ended: the frame is still good
        }
        if (stopped) {
            return;
        }
        byte[] jpeg = Base64.getDecoder().decode(event.get("data").getAsString());
        long last = frames.isEmpty() ? Long.MIN_VALUE : frames.getLast().atNanos();
        if (frames.isEmpty() || now - last >= MIN_FRAME_NANOS) {
            pending = null;
            keep(jpeg, now);
        } else {
            pending = new Pending(jpeg, now);
        }
    }

    private void keep(byte[] jpeg, long at) {
        String name = String.format(Locale.ROOT, "f%06d.jpg", frames.size() + 1);
        if (upload.add(name, jpeg)) {
            frames.add(new Frame(name, at));
        } else {
            dropped++;
        }
    }

    /** Between calls: writes a pending frame once it is due, and stops at the limit. Browser thread. */
    void tick() {
        long now = System.nanoTime();
        if (pending != null && !frames.isEmpty() && now - frames.getLast().atNanos() >= MIN_FRAME_NANOS) {
            keep(pending.jpeg(), pending.atNanos());
            pending = null;
        }
        if (!stopped && now - startNanos >= LIMIT_NANOS) {
            stoppedAtLimit = true;
            stop(startNanos + LIMIT_NANOS);
        }
    }

    boolean stoppedAtLimit() {
        return stoppedAtLimit;
    }

    boolean stopped() {
        return stopped;
    }

    /** Ends the screencast (what arrives later is not kept). Browser thread. */
    void stop() {
        stop(Math.min(System.nanoTime(), startNanos + LIMIT_NANOS));
    }

    private void stop(long at) {
        if (stopped) {
            return;
        }
        if (pending != null && pending.atNanos() < at) {
            keep(pending.jpeg(), pending.atNanos());
        }
        pending = null;
        stopped = true;
        endNanos = at;
        try {
            cdp.send("Page.stopScreencast");
            cdp.detach();
        } catch (RuntimeException e) {
            // the page is gone: so is its screencast
        }
        upload.add("frames.ffconcat", concatList().getBytes(StandardCharsets.UTF_8));
    }

    /** The recording cannot go on (the browser went away); what it has stays usable. Browser thread. */
    void fail(String why) {
        if (!stopped) {
            failure = why;
            stop();
        }
    }

    String failure() {
        return failure;
    }

    int dropped() {
        return dropped;
    }

    private String concatList() {
        StringBuilder list = new StringBuilder("ffconcat version 1.0\n");
        for (int i = 0; i < frames.size(); i++) {
            long from = i == 0 ? startNanos : frames.get(i).atNanos();
            long to = i + 1 < frames.size() ? frames.get(i + 1).atNanos() : endNanos;
            list.append("file '")
                    .append(frames.get(i).name())
                    .append("'\nduration ")
                    .append(String.format(Locale.ROOT, "%.3f", Math.max(0.001, (to - from) / 1e9)))
                    .append('\n');
        }
        if (!frames.isEmpty()) {
            list.append("file '").append(frames.getLast().name()).append("'\n"); // its duration counts only so
        }
        return list.toString();
    }

    /**
     * Encodes the frames into an MP4 in the sandbox and reads it back, measured by {@code
     * ffprobe}. Tool thread, after {@link #stop}.
     *
     * @throws IOException what went wrong, for the agent (no frames, ffmpeg missing or failing, too large)
     */
    Video encode() throws IOException, InterruptedException {
        try {
            ExecResult written = upload.finish(Duration.ofMinutes(1));
            if (!written.succeeded()) {
                throw new IOException("writing the frames into the sandbox failed: "
                        + written.stderr().strip());
            }
            if (frames.isEmpty()) {
                throw new IOException("the recording has no frames: the page showed nothing while it ran");
            }
            String mp4 = directory + "/video.mp4";
            ExecResult encoded = run(
                    List.of(
                            "ffmpeg",
                            "-hide_banner",
                            "-loglevel",
                            "error",
                            "-y",
                            "-f",
                            "concat",
                            "-safe",
                            "0",
                            "-i",
                            directory + "/frames.ffconcat",
                            "-vf",
                            "scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p",
                            "-r",
                            "25",
                            "-c:v",
                            "libx264",
                            "-preset",
                            "veryfast",
                            "-crf",
                            "28",
                            "-movflags",
                            "+faststart",
                            mp4),
                    ENCODE_TIMEOUT,
                    null);
            if (!encoded.succeeded()) {
                throw new IOException(
                        encoded.exitCode() == 127
                                ? "ffmpeg is not installed in the sandbox, so the recording cannot be encoded"
                                : "ffmpeg could not encode the recording: " + tail(encoded.stderr()));
            }
            ExecResult probe = run(
                    List.of(
                            "ffprobe",
                            "-v",
                            "error",
                            "-select_streams",
                            "v:0",
                            "-show_entries",
                            "stream=width,height:format=duration,size",
                            "-of",
                            "json",
                            mp4),
                    Duration.ofSeconds(30),
                    null);
            if (!probe.succeeded()) {
                throw new IOException("ffprobe could not read the encoded video: " + tail(probe.stderr()));
            }
            JsonNode info = JSON.readTree(probe.stdout());
            JsonNode stream = info.path("streams").path(0);
            int width = stream.path("width").asInt();
            int height = stream.path("height").asInt();
            long millis = Math.round(info.path("format").path("duration").asDouble() * 1000);
            long size = info.path("format").path("size").asLong();
            if (width <= 0 || height <= 0 || millis <= 0) {
                throw new IOException("ffprobe found no video in the encoded file");
            }
            if (size > Media.MAX_VIDEO_BYTES) {
                throw new Media.Refused("the video is " + size + " bytes, over the limit of " + Media.MAX_VIDEO_BYTES
                        + " bytes; record a shorter stretch");
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.max(0, size));
            ExecResult read = run(List.of("cat", mp4), Duration.ofSeconds(60), (s, chunk) -> {
                if (s == OutputListener.Stream.STDOUT && bytes.size() <= Media.MAX_VIDEO_BYTES) {
                    bytes.write(chunk, 0, chunk.length);
                }
            });
            if (!read.succeeded() || bytes.size() != size) {
                throw new IOException("reading the encoded video back from the sandbox failed");
            }
            return new Video(bytes.toByteArray(), width, height, millis);
        } finally {
            upload.close();
            run(List.of("rm", "-rf", directory), Duration.ofSeconds(30), null);
        }
    }

    private ExecResult run(List<String> argv, Duration timeout, OutputListener listener) throws InterruptedException {
        return sandbox.exec(
                new ExecRequest(argv, "", Map.of(), timeout), listener == null ? OutputListener.IGNORE : listener);
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() > 600 ? "…" + t.substring(t.length() - 600) : t;
    }
}
