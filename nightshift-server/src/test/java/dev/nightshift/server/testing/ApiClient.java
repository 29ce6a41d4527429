package dev.nightshift.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A real HTTP client for tests: JSON in, status and JSON out. */
public final class ApiClient {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public record Response(int status, JsonNode body, String raw) {
        public String text(String field) {
            return body.path(field).asText();
        }

        public String errorMessage() {
            return body.path("error").path("message").asText();
        }
    }

    private final String base;
    private final String token;

    public ApiClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public String token() {
        return token;
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response post(String path, Object body) {
        return send("POST", path, body);
    }

    public Response put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    /** {@code body} may be a String (sent as is, for malformed-JSON tests) or anything Jackson writes. */
    public Response send(String method, String path, Object body) {
        try {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            String payload = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
            request.method(
                    method,
                    payload == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(payload));
            if (payload != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String raw = response.body();
            JsonNode json = raw == null || raw.isBlank() || !raw.trim().startsWith("{")
                    ? JSON.createObjectNode()
                    : JSON.readTree(raw);
            return new Response(response.statusCode(), json, raw);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String createSession(String repository) {
        Response r = post("/api/sessions", Map.of("repository", repository));
        if (r.status() != 201) {
            throw new AssertionError("create session: " + r.status() + " " + r.raw());
        }
        return r.text("id");
    }

    public Response prompt(String sessionId, String content, String clientRequestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("content", content);
        if (clientRequestId != null) {
            body.put("clientRequestId", clientRequestId);
        }
        return post("/api/sessions/" + sessionId + "/prompts", body);
    }

    /** A file part of a multipart request. */
    public record FilePart(String field, String filename, String contentType, byte[] content) {
        public static FilePart attachment(String filename, String contentType, byte[] content) {
            return new FilePart("attachment", filename, contentType, content);
        }
    }

    /** A response as bytes, with its headers. */
    public record Download(int status, java.net.http.HttpHeaders headers, byte[] body) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /** A prompt with files, as {@code multipart/form-data}: the text fields, then the files. */
    public Response promptWithFiles(String sessionId, Map<String, String> fields, java.util.List<FilePart> files) {
        return postMultipart("/api/sessions/" + sessionId + "/prompts", fields, files);
    }

    public Response postMultipart(String path, Map<String, String> fields, java.util.List<FilePart> files) {
        String boundary = "----nightshift-test-" + java.util.UUID.randomUUID();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
        fields.forEach((name, value) -> {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n")
                    .getBytes(utf8));
            body.writeBytes(value.getBytes(utf8));
            body.writeBytes("\r\n".getBytes(utf8));
        });
        for (FilePart file : files) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file.field()
                            + "\"; filename=\"" + file.filename() + "\"\r\n"
                            + (file.contentType() == null ? "" : "Content-Type: " + file.contentType() + "\r\n")
                            + "\r\n")
                    .getBytes(utf8));
            body.writeBytes(file.content());
            body.writeBytes("\r\n".getBytes(utf8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(utf8));
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String raw = response.body();
            JsonNode json = raw == null || raw.isBlank() || !raw.trim().startsWith("{")
                    ? JSON.createObjectNode()
                    : JSON.readTree(raw);
            return new Response(response.statusCode(), json, raw);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A GET whose answer is kept as bytes (a file's content), with its headers. */
    public Download download(String path) {
        try {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Download(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String liveToken(String sessionId) {
        Response r = post("/api/sessions/" + sessionId + "/live-token", null);
        if (r.status() != 201) {
            throw new AssertionError("live token: " + r.status() + " " + r.raw());
        }
        return r.text("token");
    }

    /** Same as {@link #liveToken}, named for readability where a token is passed on. */
    public String liveTokenFor(String sessionId) {
        return liveToken(sessionId);
    }

    /** Every event of the session, paging forwards. */
    public java.util.List<JsonNode> allEvents(String sessionId) {
        java.util.List<JsonNode> events = new java.util.ArrayList<>();
        long after = 0;
        while (true) {
            Response r = get("/api/sessions/" + sessionId + "/events?after=" + after + "&limit=500");
            if (r.status() != 200) {
                throw new AssertionError("events: " + r.status() + " " + r.raw());
            }
            r.body().path("events").forEach(events::add);
            if (!r.body().path("hasMore").asBoolean()) {
                return events;
            }
            after = events.getLast().path("seq").asLong();
        }
    }
}
