package dev.nightshift.git.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real git smart-HTTP server on loopback: {@code git http-backend} (git's own CGI program) behind
 * the JDK's HTTP server, with HTTP basic auth that accepts exactly one token. Pushes and fetches
 * with the right token work; anything else gets 401 like a real host.
 */
public final class GitHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Path root;
    private volatile String token;
    /** Every Authorization header the server saw (null when none), for assertions about who sent what. */
    public final List<String> authorizations = new CopyOnWriteArrayList<>();

    private GitHttpServer(Path root, String token, HttpServer existing, String context) throws IOException {
        this.root = root;
        this.token = token;
        if (existing != null) {
            server = null;
            mount = existing;
            return;
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(context, this::handle);
        server.start();
        mount = null;
    }

    private final HttpServer mount;

    /** A handler serving the repositories under {@code root}, for mounting on another test server. */
    public static GitHttpServer handlerOnly(Path root, String token) throws IOException {
        return new GitHttpServer(root, token, HttpServer.create(), "/");
    }

    /** The git smart-HTTP handler itself. */
    public com.sun.net.httpserver.HttpHandler handler() {
        return this::handle;
    }

    /** Serves the bare repositories under {@code root} at {@code /<name>.git}. */
    public static GitHttpServer start(Path root, String token) throws IOException {
        return new GitHttpServer(root, token, null, "/");
    }

    public String url(String repository) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + repository;
    }

    /** Rotates the accepted token (the old one stops working at once). */
    public void acceptOnly(String newToken) {
        this.token = newToken;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(header);
            String user = authorizedUser(header);
            if (user == null) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            cgi(exchange, user);
        }
    }

    private String authorizedUser(String header) {
        if (header == null || !header.startsWith("Basic ")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || !decoded.substring(colon + 1).equals(token)) {
            return null;
        }
        return decoded.substring(0, colon);
    }

    private void cgi(HttpExchange exchange, String user) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("git", "http-backend");
        Map<String, String> env = builder.environment();
        env.put("GIT_PROJECT_ROOT", root.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("REMOTE_USER", user);
        env.put("REMOTE_ADDR", "127.0.0.1");
        env.put("REQUEST_METHOD", exchange.getRequestMethod());
        env.put("PATH_INFO", exchange.getRequestURI().getPath());
        env.put(
                "QUERY_STRING",
                exchange.getRequestURI().getRawQuery() == null
                        ? ""
                        : exchange.getRequestURI().getRawQuery());
        putHeader(env, "CONTENT_TYPE", exchange.getRequestHeaders().getFirst("Content-Type"));
        putHeader(env, "HTTP_CONTENT_ENCODING", exchange.getRequestHeaders().getFirst("Content-Encoding"));
        putHeader(env, "GIT_PROTOCOL", exchange.getRequestHeaders().getFirst("Git-Protocol"));
        Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread.ofVirtual().start(() -> {
            try (OutputStream in = process.getOutputStream();
                    InputStream body = exchange.getRequestBody()) {
                body.transferTo(in);
            } catch (IOException ignored) {
                // the backend stopped reading
            }
        });
        try (InputStream out = process.getInputStream()) {
            int status = 200;
            for (String line = readLine(out); line != null && !line.isEmpty(); line = readLine(out)) {
                int colon = line.indexOf(':');
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Status")) {
                    status = Integer.parseInt(value.split(" ")[0]);
                } else {
                    exchange.getResponseHeaders().add(name, value);
                }
            }
            exchange.sendResponseHeaders(status, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                out.transferTo(body);
            }
        }
    }

    private static void putHeader(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        return c < 0 && line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
