package dev.nightshift.server.web;

import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * The browser UI: plain ES modules and CSS from {@code web/} on the classpath, the few browser
 * libraries it uses from their WebJars (or, for one without, from its npm package at build time), and the single page for every URL the UI itself hands out
 * ({@code /}, {@code /sessions/{id}}, share links at {@code /s/{secret}}).
 *
 * <p>These routes are pages, not API, so they are registered outside the {@code RouteTable} that
 * the OpenAPI document is checked against. Anything else keeps the API's JSON 404.
 */
public final class WebUi {
    /** A library's URL name, and the Maven coordinates whose WebJar holds it (the version is read from the jar). */
    private record Library(String groupId, String artifactId) {}

    private static final Map<String, Library> LIBRARIES = Map.of(
            "marked", new Library("org.webjars.npm", "marked"),
            "dompurify", new Library("org.webjars.npm", "dompurify"),
            "highlightjs", new Library("org.webjars", "highlightjs"));

    /**
     * Libraries with no WebJar: the build takes their files from the npm package (at the version and
     * SHA-256 the pom pins) into {@code web-vendor/<name>/} on the classpath.
     */
    private static final Set<String> FROM_NPM = Set.of("diff2html", "xterm", "novnc");

    /**
     * Only our own origin may run scripts or be connected to; the page cannot be framed, and share
     * links (a secret in the URL) are never sent on as a Referer.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final ClassLoader loader = WebUi.class.getClassLoader();
    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    private record Asset(byte[] bytes, String contentType, String etag) {}

    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/", this::page);
        routes.get("/sessions/{id}", this::page);
        routes.get("/secrets", this::page);
        routes.get("/automations", this::page);
        routes.get("/connect", this::page);
        routes.get("/s/{secret}", this::page);
        routes.get("/ui/<path>", this::asset);
        routes.get("/vendor/{library}/<path>", this::vendor);
    }

    private void page(Context ctx) {
        pageHeaders(ctx);
        serve(ctx, "web/index.html", "no-cache");
    }

    /** A file of the UI; an HTML one (such as {@code /ui/index.html}) is a page and gets the page's protection. */
    private void asset(Context ctx) {
        String resource = "web/" + ctx.pathParam("path");
        if ("text/html; charset=utf-8".equals(contentType(resource))) {
            pageHeaders(ctx);
        }
        serve(ctx, resource, "no-cache");
    }

    private static void pageHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
    }

    private void vendor(Context ctx) {
        if (FROM_NPM.contains(ctx.pathParam("library"))) {
            serve(ctx, "web-vendor/" + ctx.pathParam("library") + "/" + ctx.pathParam("path"), "public, max-age=86400");
            return;
        }
        Library library = LIBRARIES.get(ctx.pathParam("library"));
        String version = library == null ? null : version(library);
        if (version == null) {
            notFound(ctx);
            return;
        }
        // the URL has no version, so the pom is the only place it is written; a day's caching is plenty
        serve(
                ctx,
                "META-INF/resources/webjars/" + library.artifactId() + "/" + version + "/" + ctx.pathParam("path"),
                "public, max-age=86400");
    }

    private void serve(Context ctx, String resource, String cacheControl) {
        Optional<Asset> found = safe(resource) ? cache.computeIfAbsent(resource, this::load) : Optional.empty();
        if (found.isEmpty()) {
            notFound(ctx);
            return;
        }
        Asset asset = found.get();
        ctx.header("Cache-Control", cacheControl);
        ctx.header("ETag", asset.etag());
        ctx.header("X-Content-Type-Options", "nosniff");
        if (asset.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(asset.contentType()).result(asset.bytes());
    }

    /** No way out of the directory the URL names: no empty, "." or ".." segments, no backslashes. */
    static boolean safe(String resource) {
        if (resource.contains("\\") || resource.startsWith("/") || resource.endsWith("/")) {
            return false;
        }
        for (String segment : resource.split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private Optional<Asset> load(String resource) {
        String type = contentType(resource);
        if (type == null) {
            return Optional.empty(); // only file types a browser needs from us
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            CRC32 crc = new CRC32();
            crc.update(bytes);
            return Optional.of(
                    new Asset(bytes, type, "\"" + Long.toHexString(crc.getValue()) + "-" + bytes.length + "\""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private String version(Library library) {
        String properties = "META-INF/maven/" + library.groupId() + "/" + library.artifactId() + "/pom.properties";
        try (InputStream in = loader.getResourceAsStream(properties)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + properties, e);
        }
    }

    static String contentType(String resource) {
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
        return switch (extension) {
            case "html" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "woff2" -> "font/woff2";
            default -> null;
        };
    }

    private static void notFound(Context ctx) {
        ctx.status(404)
                .contentType("application/json")
                .result(dev.nightshift.server.http.Json.write(
                        Map.of("error", Map.of("code", "not_found", "message", "no such file " + ctx.path()))));
    }
}
