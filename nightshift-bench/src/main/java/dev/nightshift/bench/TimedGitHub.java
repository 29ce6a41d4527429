package dev.nightshift.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nightshift.github.fake.GitHubFake;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The GitHub tests' loopback GitHub ({@link GitHubFake}) with a stopwatch: every request to it is
 * stamped when its handler starts (request line and headers in, before the fake reads the body or
 * takes its lock). The fake records requests without times and keeps its handler private, so, as
 * {@link TimedModel} does for the model, the stopwatch goes in by replacing the fake's {@code /}
 * context with a wrapper that calls the same handler: no extra hop, nothing added to the fake.
 * Contexts mounted under it (the git smart-HTTP server) are left alone. Waiters are woken when a
 * request arrives, so nothing polls.
 */
final class TimedGitHub {
    /** One request as the fake saw it arrive. */
    record Arrival(long nanos, String method, String path) {}

    private final List<Arrival> arrivals = new ArrayList<>();

    private TimedGitHub() {}

    /** Puts the stopwatch on {@code fake}; call before anything talks to it. */
    static TimedGitHub on(GitHubFake fake) {
        TimedGitHub timed = new TimedGitHub();
        try {
            Field serverField = GitHubFake.class.getDeclaredField("server");
            serverField.setAccessible(true);
            HttpServer server = (HttpServer) serverField.get(fake);
            Method handle = GitHubFake.class.getDeclaredMethod("handle", HttpExchange.class);
            handle.setAccessible(true);
            server.removeContext("/");
            server.createContext("/", exchange -> {
                timed.arrived(new Arrival(
                        System.nanoTime(),
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath()));
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
                    "could not put a stopwatch on GitHubFake (its internals changed?): " + e, e);
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
                throw new IllegalStateException("the GitHub fake got no such request within " + timeout + "; since: "
                        + arrivals.subList(from, arrivals.size()));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
