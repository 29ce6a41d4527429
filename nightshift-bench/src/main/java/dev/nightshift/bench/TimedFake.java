package dev.nightshift.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A stopwatch on a test fake built on the JDK's HTTP server (the Slack fake's Web API, the Linear
 * fake's GraphQL endpoint), as {@link TimedGitHub} is on the GitHub fake: the fake's context is
 * replaced by a wrapper that stamps each request when its handler starts (request line and headers
 * in), keeps a copy of the body (so the benchmark can tell which thread or issue a call was for),
 * hands the same bytes on, and calls the fake's own handler: no extra hop, nothing added to the fake.
 * The fakes keep their server and handler private, hence reflection; both take the body from {@link
 * HttpExchange#getRequestBody()}, which {@link HttpExchange#setStreams} replaces with the copy.
 * Waiters are woken when a request arrives, so nothing polls. Recording runs on the fake's threads.
 */
final class TimedFake {
    /** One request as the fake saw it arrive; {@code body} as sent. */
    record Arrival(long nanos, String path, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String name;
    private final List<Arrival> arrivals = new ArrayList<>();

    private TimedFake(String name) {
        this.name = name;
    }

    /**
     * Puts the stopwatch on {@code fake}, whose JDK {@link HttpServer} is in the field {@code
     * serverField} and serves {@code contextPath} with its method {@code handle(HttpExchange)}; call
     * before anything talks to the fake.
     */
    static TimedFake on(Object fake, String serverField, String contextPath) {
        Class<?> type = fake.getClass();
        TimedFake timed = new TimedFake(type.getSimpleName());
        try {
            Field field = type.getDeclaredField(serverField);
            field.setAccessible(true);
            HttpServer server = (HttpServer) field.get(fake);
            Method handle = type.getDeclaredMethod("handle", HttpExchange.class);
            handle.setAccessible(true);
            server.removeContext(contextPath);
            server.createContext(contextPath, exchange -> {
                long nanos = System.nanoTime();
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                exchange.setStreams(new ByteArrayInputStream(body), null);
                timed.arrived(new Arrival(nanos, exchange.getRequestURI().getPath(), body));
                try {
                    handle.invoke(fake, exchange);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            });
            return timed;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "could not put a stopwatch on " + type.getSimpleName() + " (its internals changed?): " + e, e);
        }
    }

    private synchronized void arrived(Arrival a) {
        arrivals.add(a);
        notifyAll();
    }

    synchronized int count() {
        return arrivals.size();
    }

    synchronized List<Arrival> since(int from) {
        return List.copyOf(arrivals.subList(from, arrivals.size()));
    }

    /** The first request from index {@code from} on that {@code wanted} accepts, waiting for it up to {@code timeout}. */
    synchronized Arrival await(int from, Predicate<Arrival> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = from;
        while (true) {
            for (; next < arrivals.size(); next++) {
                if (wanted.test(arrivals.get(next))) {
                    return arrivals.get(next);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                List<String> seen = new ArrayList<>();
                for (Arrival a : arrivals.subList(from, arrivals.size())) {
                    seen.add(a.path() + " " + a.text());
                }
                throw new IllegalStateException(
                        "the " + name + " got no such request within " + timeout + "; since: " + seen);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
