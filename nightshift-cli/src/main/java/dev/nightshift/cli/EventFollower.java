package dev.nightshift.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Follows a session's live event stream (SSE) and hands each log event to a listener until the
 * listener has seen enough. A dropped connection is resumed after the last event seen
 * ({@code Last-Event-ID}), so nothing is missed or shown twice across a server restart.
 */
public final class EventFollower {
    /** Receives events in sequence order; returns false to stop following. */
    @FunctionalInterface
    public interface Listener {
        boolean onEvent(JsonNode event);
    }

    static final int RECONNECT_ATTEMPTS = 30;
    static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

    private final NightshiftApi api;
    private final Terminal terminal;

    public EventFollower(NightshiftApi api, Terminal terminal) {
        this.api = api;
        this.terminal = terminal;
    }

    /**
     * @param afterSeq replay everything after this sequence number first; null: start with the
     *                 newest events the server picks
     */
    public void follow(String sessionId, Long afterSeq, Listener listener) {
        Long cursor = afterSeq;
        int failures = 0;
        while (true) {
            InputStream stream;
            try {
                stream = api.eventStream(sessionId, cursor);
            } catch (CliException e) {
                boolean reconnecting = failures > 0 && e.exitCode() == ExitCodes.UNREACHABLE;
                if (!reconnecting) {
                    throw e; // the first connection failing is the user's to fix (address, token, session)
                }
                if (++failures > RECONNECT_ATTEMPTS) {
                    throw lost(sessionId);
                }
                pause();
                continue;
            }
            failures = 0;
            Position position = new Position(cursor);
            try (stream) {
                if (!read(stream, listener, position)) {
                    return;
                }
            } catch (IOException e) {
                // the connection dropped mid-message; resume after the last complete event
            }
            cursor = position.lastSeq == null ? 0L : position.lastSeq;
            terminal.err().println("nightshift: lost the live stream; reconnecting…");
            failures = 1;
            pause();
        }
    }

    /** The last event handed to the listener, kept outside the read so a dropped connection resumes after it. */
    private static final class Position {
        Long lastSeq;

        Position(Long lastSeq) {
            this.lastSeq = lastSeq;
        }
    }

    /** @return false when the listener had enough; true when the stream ended first */
    private static boolean read(InputStream stream, Listener listener, Position position) throws IOException {
        SseParser parser = new SseParser();
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            Optional<SseParser.Message> message = parser.line(line);
            if (message.isEmpty() || message.get().id() == null) {
                continue;
            }
            JsonNode event = parse(message.get().data());
            long seq = event.path("seq").asLong();
            if (position.lastSeq != null && seq <= position.lastSeq) {
                continue; // already seen before a reconnect
            }
            position.lastSeq = seq;
            if (!listener.onEvent(event)) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode parse(String data) throws IOException {
        try {
            return NightshiftApi.JSON.readTree(data);
        } catch (JsonProcessingException e) {
            throw new IOException("unreadable event from the server: " + e.getOriginalMessage(), e);
        }
    }

    private CliException lost(String sessionId) {
        return new CliException(
                ExitCodes.UNREACHABLE,
                "lost the connection to " + api.baseUrl()
                        + " and could not get it back; the session goes on: 'nightshift attach " + sessionId
                        + "' to follow it again");
    }

    private static void pause() {
        try {
            Thread.sleep(RECONNECT_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.DETACHED, "interrupted");
        }
    }
}
