package dev.nightshift.server.api;

import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.limits.RateLimits;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.session.NullSessionCache;
import org.eclipse.jetty.session.NullSessionDataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: Javalin's set-up, the server's own routes (health, metrics, the OpenAPI
 * document), the route groups it is given, and the one mapping of every failure to the API's
 * JSON error ({@code {"error":{"code","message"}}}). Built on the starting thread once every route
 * group exists; requests then run on virtual threads.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** The largest request body accepted. */
    public static final long MAX_REQUEST_BYTES = 1_048_576L;

    private final RouteTable table = new RouteTable();
    private final Javalin app;

    /**
     * @param rateLimits checked before anything else
     * @param groups route groups (each one class's {@code register}), registered in this order
     */
    public ApiServer(
            String storeDialect,
            PrometheusMeterRegistry metrics,
            RateLimits rateLimits,
            List<Consumer<RouteTable>> groups) {
        this(storeDialect, metrics, rateLimits, groups, List.of());
    }

    /**
     * @param filters servlet filters that see every request before any route (host-based previews,
     *     whose requests are the sandbox's, not the API's), in this order
     */
    public ApiServer(
            String storeDialect,
            PrometheusMeterRegistry metrics,
            RateLimits rateLimits,
            List<Consumer<RouteTable>> groups,
            List<Filter> filters) {
        byte[] openApi = resource("/openapi.json");
        table.javalin(rateLimits::register);
        table.javalin(routes -> routes.before("/api/*", Json::requireJsonContentType));
        table.get("/healthz", ctx -> ctx.json(Map.of("status", "ok", "store", storeDialect)));
        table.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metrics.scrape()));
        table.get(
                "/api/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
        groups.forEach(group -> group.accept(table));
        this.app = Javalin.create(javalin -> {
            javalin.concurrency.useVirtualThreads = true;
            javalin.jsonMapper(new JavalinJackson(Json.MAPPER, true));
            javalin.startup.showJavalinBanner = false;
            javalin.http.maxRequestSize = MAX_REQUEST_BYTES;
            javalin.jetty.modifyWebSocketServletFactory(factory -> factory.setIdleTimeout(Duration.ofSeconds(60)));
            javalin.jetty.modifyServletContextHandler(ApiServer::keepNoHttpSessions);
            javalin.jetty.modifyServletContextHandler(handler -> filters.forEach(
                    filter -> handler.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST))));
            table.applyTo(javalin.routes);
            javalin.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
            javalin.routes.exception(HttpResponseException.class, (e, ctx) -> {
                if (e.getStatus() == 413) { // Javalin's own limit, before any route reads the body
                    error(
                            ctx,
                            413,
                            "payload_too_large",
                            "the request body is larger than " + (MAX_REQUEST_BYTES >> 20)
                                    + " MiB, the most this server accepts; send less");
                } else {
                    error(ctx, e.getStatus(), "http_" + e.getStatus(), e.getMessage());
                }
            });
            javalin.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal", "the server failed to handle this request; the error has been logged");
            });
            javalin.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    error(ctx, 404, "not_found", "no route " + ctx.method() + " " + ctx.path());
                }
            });
        });
    }

    /** Listens; port 0 picks a free one (see {@link #port}). */
    public void start(String host, int port) {
        app.start(host, port);
    }

    public int port() {
        return app.port();
    }

    /** The documented routes, for the check that the OpenAPI document lists each of them. */
    public List<RouteTable.Route> routes() {
        return table.registered();
    }

    @Override
    public void close() {
        app.stop();
    }

    /**
     * Nightshift authenticates every request with a bearer token and never uses HTTP sessions, but
     * Javalin touches the session at each WebSocket upgrade, which would otherwise keep one session
     * per connection alive forever. A cache that keeps nothing makes those sessions free.
     */
    private static void keepNoHttpSessions(ServletContextHandler handler) {
        var sessions = handler.getSessionHandler();
        if (sessions != null) {
            var cache = new NullSessionCache(sessions);
            cache.setSessionDataStore(new NullSessionDataStore());
            sessions.setSessionCache(cache);
        }
    }

    private static void error(Context ctx, int status, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        Json.respond(ctx, status, Map.of("error", error));
    }

    private static byte[] resource(String name) {
        try (InputStream in = ApiServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
