package dev.nightshift.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The server's HTTP API as the CLI uses it: JSON in and out, every failure turned into a
 * {@link CliException} that says what went wrong and what to do, with the matching exit code.
 */
public final class NightshiftApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** A prompt with files may carry tens of MiB. */
    private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(10);

    private final String baseUrl;
    private final String token;
    // HTTP/1.1: the server speaks it, and it spares an h2c upgrade attempt on every request
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();

    /** @param baseUrl the server, e.g. {@code http://127.0.0.1:8080}, without {@code /api} */
    public NightshiftApi(String baseUrl, String token) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.token = token;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Where people look at a session: its page in the web UI. */
    public String sessionUrl(String sessionId) {
        return baseUrl + "/sessions/" + sessionId;
    }

    public JsonNode get(String path) {
        return send(request(path).GET());
    }

    public JsonNode post(String path, Object body) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(body == null ? java.util.Map.of() : body))));
    }

    /**
     * Posts a form with files ({@code multipart/form-data}): the text fields, then each file under
     * {@code fileField} with its name and the type its name suggests. The files are read as the body
     * is sent; the request may take as long as an upload does.
     */
    public JsonNode postForm(
            String path, java.util.Map<String, String> fields, String fileField, java.util.List<Path> files) {
        String boundary = "nightshift-" + java.util.UUID.randomUUID();
        java.util.List<byte[]> parts = new java.util.ArrayList<>();
        java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
        fields.forEach((name, value) -> {
            parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n")
                    .getBytes(utf8));
            parts.add(value.getBytes(utf8));
            parts.add("\r\n".getBytes(utf8));
        });
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofByteArrays(parts);
        for (Path file : files) {
            String name = file.getFileName().toString();
            String type = java.net.URLConnection.guessContentTypeFromName(name);
            String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField
                    + "\"; filename=\"" + quoted(name) + "\"\r\n"
                    + (type == null ? "" : "Content-Type: " + type + "\r\n") + "\r\n";
            try {
                body = HttpRequest.BodyPublishers.concat(
                        body,
                        HttpRequest.BodyPublishers.ofByteArray(head.getBytes(utf8)),
                        HttpRequest.BodyPublishers.ofFile(file),
                        HttpRequest.BodyPublishers.ofByteArray("\r\n".getBytes(utf8)));
            } catch (java.io.FileNotFoundException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": no such file");
            }
        }
        body = HttpRequest.BodyPublishers.concat(
                body, HttpRequest.BodyPublishers.ofByteArray(("--" + boundary + "--\r\n").getBytes(utf8)));
        return send(request(path)
                .timeout(UPLOAD_TIMEOUT)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(body));
    }

    /** A file name as a quoted form value: no quote, backslash or line break can end it early. */
    private static String quoted(String name) {
        return name.replaceAll("[\"\\\\\r\n]", "_");
    }

    public JsonNode put(String path, Object body) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(write(body == null ? java.util.Map.of() : body))));
    }

    public JsonNode patch(String path, Object body) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(write(body == null ? java.util.Map.of() : body))));
    }

    public JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    /**
     * Opens the session's server-sent event stream. {@code afterSeq} null: the server starts with
     * the newest events; otherwise it replays everything after that sequence number first.
     */
    public InputStream eventStream(String sessionId, Long afterSeq) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/sessions/" + sessionId + "/events/stream"))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream");
        if (afterSeq != null) {
            request.header("Last-Event-ID", Long.toString(afterSeq));
        }
        HttpResponse<InputStream> response = exchange(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = "";
            }
            throw refused(response.statusCode(), body);
        }
        return response.body();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .header("X-Nightshift-Source", "cli");
    }

    private URI uri(String path) {
        try {
            return URI.create(baseUrl + path);
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    ExitCodes.USAGE, "'" + baseUrl + "' is not a server URL; use e.g. http://127.0.0.1:8080");
        }
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response = exchange(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw refused(response.statusCode(), response.body());
        }
        String body = response.body();
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode(); // 204
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new CliException(
                    ExitCodes.REFUSED,
                    baseUrl + " answered with something other than JSON;"
                            + " is it a Nightshift server? (check --server / NIGHTSHIFT_SERVER)");
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (ConnectException | HttpConnectTimeoutException | UnresolvedAddressException e) {
            throw unreachable(e);
        } catch (HttpTimeoutException e) {
            throw new CliException(
                    ExitCodes.UNREACHABLE,
                    "the server at " + baseUrl + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.DETACHED, "interrupted");
        }
    }

    private CliException unreachable(Exception cause) {
        // the JDK's connection exceptions often carry no message; say it in words
        String why = switch (cause) {
            case HttpConnectTimeoutException t -> "no answer within " + CONNECT_TIMEOUT.toSeconds() + " s";
            case ConnectException c -> "connection refused";
            case UnresolvedAddressException u -> "unknown host";
            default ->
                cause.getMessage() == null || cause.getMessage().isBlank()
                        ? cause.getClass().getSimpleName()
                        : cause.getMessage();
        };
        return new CliException(
                ExitCodes.UNREACHABLE,
                "cannot reach the Nightshift server at " + baseUrl + " (" + why
                        + "). Start one with 'nightshift serve', or point --server / NIGHTSHIFT_SERVER at yours.");
    }

    /** The server's own {@code {"error":{"message"}}} text, with advice for the statuses a user can fix. */
    private CliException refused(int status, String body) {
        String message = serverMessage(body);
        return switch (status) {
            case 401 ->
                new CliException(
                        ExitCodes.AUTH,
                        "the server refused the token (" + message + "). Pass a valid one"
                                + " with --token or NIGHTSHIFT_TOKEN; 'nightshift token create' makes one.");
            case 403 -> new CliException(ExitCodes.AUTH, "not allowed: " + message);
            default -> new CliException(ExitCodes.REFUSED, message + " (HTTP " + status + ")");
        };
    }

    private static String serverMessage(String body) {
        try {
            JsonNode message =
                    JSON.readTree(body == null ? "" : body).path("error").path("message");
            if (message.isTextual() && !message.asText().isBlank()) {
                return message.asText();
            }
        } catch (JsonProcessingException e) {
            // not our server's error shape; fall through
        }
        return "no explanation from the server";
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
