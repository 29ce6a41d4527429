package dev.nightshift.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nightshift.agent.model.FakeModelServer;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent tests' scripted model server ({@link FakeModelServer}, real OpenAI streaming on
 * loopback) with a stopwatch: every request is stamped when its handler starts (the request line
 * and headers have arrived) and when the handler returns (the whole streamed response is written
 * and the exchange closed). The fake keeps its handler private, so the stopwatch goes in by
 * replacing its one HTTP context with a wrapper that calls the same handler; no extra hop, no
 * extra copy.
 */
final class TimedModel implements AutoCloseable {
    /** One request as the model saw it: nanoTime stamps, and the request body's size. */
    record Exchange(int index, long arrivalNanos, long endNanos, long requestBytes, String path) {
        long serviceNanos() {
            return endNanos - arrivalNanos;
        }
    }

    final FakeModelServer fake;
    private final List<Exchange> exchanges = new ArrayList<>();

    private TimedModel(FakeModelServer fake) {
        this.fake = fake;
    }

    static TimedModel start() {
        // The JDK's HttpServer leaves Nagle on by default: the last small chunk of every streamed answer then
        // waits for the client's delayed ACK (~40 ms on Linux), a stall of the fake's transport that would land in
        // the gap after every model call, for the agent and the floor alike. Real providers' servers send at once.
        // Read once, when the first HttpServer is made, so it must be set before the fake starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        FakeModelServer fake = FakeModelServer.start();
        try {
            TimedModel timed = new TimedModel(fake);
            timed.wrap();
            return timed;
        } catch (ReflectiveOperationException | RuntimeException e) {
            fake.close();
            throw new IllegalStateException(
                    "could not put a stopwatch on FakeModelServer (its internals changed?): " + e, e);
        }
    }

    private void wrap() throws ReflectiveOperationException {
        Field serverField = FakeModelServer.class.getDeclaredField("server");
        serverField.setAccessible(true);
        HttpServer server = (HttpServer) serverField.get(fake);
        Method handle = FakeModelServer.class.getDeclaredMethod("handle", HttpExchange.class);
        handle.setAccessible(true);
        server.removeContext("/");
        server.createContext("/", exchange -> {
            long arrival = System.nanoTime();
            String length = exchange.getRequestHeaders().getFirst("Content-Length");
            String path = exchange.getRequestURI().getPath();
            try {
                handle.invoke(fake, exchange);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof java.io.IOException io) {
                    throw io;
                }
                throw new IllegalStateException(e.getCause());
            } finally {
                long end = System.nanoTime();
                synchronized (this) {
                    exchanges.add(new Exchange(
                            exchanges.size(), arrival, end, length == null ? -1 : Long.parseLong(length.trim()), path));
                    notifyAll();
                }
            }
        });
    }

    String openAiBaseUrl() {
        return fake.openAiBaseUrl();
    }

    synchronized int count() {
        return exchanges.size();
    }

    synchronized List<Exchange> since(int from) {
        return List.copyOf(exchanges.subList(from, exchanges.size()));
    }

    /** Waits until {@code n} requests have been fully answered. */
    synchronized List<Exchange> awaitCount(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (exchanges.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(
                        "the model got " + exchanges.size() + " requests, expected " + n + " within " + timeout);
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(exchanges);
    }

    @Override
    public void close() {
        fake.close();
    }
}
