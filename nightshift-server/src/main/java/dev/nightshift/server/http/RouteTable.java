package dev.nightshift.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Collects HTTP routes and remembers them, so a test can hold the OpenAPI document to every route
 * the server really serves. Route groups add to it while the server is being built; the server
 * then hands everything to Javalin once, in the order it was added (order matters for filters and
 * overlapping paths). Not thread-safe: used only while the server is built.
 */
public final class RouteTable {
    public record Route(String method, String path) {}

    private final List<Route> registered = new ArrayList<>();
    private final List<Consumer<RoutesConfig>> registrations = new ArrayList<>();

    public void get(String path, Handler handler) {
        add("get", path, routes -> routes.get(path, handler));
    }

    public void post(String path, Handler handler) {
        add("post", path, routes -> routes.post(path, handler));
    }

    public void put(String path, Handler handler) {
        add("put", path, routes -> routes.put(path, handler));
    }

    public void patch(String path, Handler handler) {
        add("patch", path, routes -> routes.patch(path, handler));
    }

    public void delete(String path, Handler handler) {
        add("delete", path, routes -> routes.delete(path, handler));
    }

    /** Something other than a documented API route (a filter, a WebSocket, the web UI's pages), in its turn. */
    public void javalin(Consumer<RoutesConfig> registration) {
        registrations.add(registration);
    }

    /** Registers everything with Javalin, in the order it was added. */
    public void applyTo(RoutesConfig routes) {
        registrations.forEach(r -> r.accept(routes));
    }

    public List<Route> registered() {
        return List.copyOf(registered);
    }

    private void add(String method, String path, Consumer<RoutesConfig> registration) {
        registered.add(new Route(method, path));
        registrations.add(registration);
    }
}
