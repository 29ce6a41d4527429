package dev.nightshift.server.media;

import dev.nightshift.core.policy.Access;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.session.SessionService;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/sessions/{id}/media/{artifactId}}: a screenshot's or video's content for the
 * session's readers (viewer and up, and its share links); anyone else gets 404. An {@code <img>}
 * or {@code <video>} cannot send an {@code Authorization} header, so the session's live token (or
 * a share link's own secret) may come as {@code ?token=}, as for a port's preview: it is short-lived
 * and good for this one session's reading only. Served so that a browser can never run it (the
 * stored type, {@code nosniff}, a CSP that allows nothing), with single byte ranges so a video can
 * seek. Rate-limited with every {@code /api} request. Handlers run on Jetty's request threads.
 */
public final class MediaRoutes {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final MediaLibrary library;
    private final SessionService sessions;
    private final Authenticator auth;

    public MediaRoutes(MediaLibrary library, SessionService sessions, Authenticator auth) {
        this.library = library;
        this.sessions = sessions;
        this.auth = auth;
    }

    public void register(RouteTable routes) {
        routes.get("/api/sessions/{id}/media/{artifactId}", this::content);
    }

    private Caller caller(Context ctx, String sessionId) {
        if (ctx.header("Authorization") != null) {
            return auth.fromHeader(ctx.header("Authorization"));
        }
        String token = ctx.queryParam("token");
        if (token != null) {
            return auth.live(token, sessionId);
        }
        throw ApiException.unauthorized(
                "send 'Authorization: Bearer <token>', or ?token=<live token> (POST /api/sessions/" + sessionId
                        + "/live-token) where a browser element cannot send a header");
    }

    private void content(Context ctx) {
        String id = ctx.pathParam("id");
        String artifactId = ctx.pathParam("artifactId");
        try {
            sessions.require(caller(ctx, id), id, Access.Action.READ);
        } catch (ApiException e) {
            if (e.status() == 403) {
                // to someone outside the session its media does not exist
                throw ApiException.notFound("no screenshot or video " + artifactId + " in session " + id);
            }
            throw e;
        }
        MediaLibrary.Item item = library.find(id, artifactId)
                .orElseThrow(() -> ApiException.notFound("no screenshot or video " + artifactId + " in session " + id));
        String etag = "\"" + item.sha256() + "\"";
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Security-Policy", "default-src 'none'; sandbox");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        ctx.header("Cache-Control", "private, max-age=3600");
        ctx.header("ETag", etag);
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("Content-Disposition", "inline; " + fileName(item.name()));
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        long size = item.bytes();
        long start = 0;
        long end = size - 1;
        String range = ctx.header("Range");
        String ifRange = ctx.header("If-Range");
        boolean partial = range != null && (ifRange == null || ifRange.equals(etag));
        if (partial) {
            Matcher m = RANGE.matcher(range.strip());
            if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                partial = false; // several ranges, or another unit: the whole content is a valid answer
            } else if (m.group(1).isEmpty()) {
                long suffix = parse(m.group(2));
                start = Math.max(0, size - suffix);
            } else {
                start = parse(m.group(1));
                if (!m.group(2).isEmpty()) {
                    end = Math.min(end, parse(m.group(2)));
                }
            }
            if (partial && (start >= size || start > end)) {
                ctx.header("Content-Range", "bytes */" + size);
                throw new ApiException(
                        416,
                        "range_not_satisfiable",
                        "the range " + range + " is outside the content's " + size + " bytes");
            }
        }
        InputStream content;
        try {
            Optional<InputStream> stored = library.open(item);
            content = stored.orElseThrow(() ->
                    ApiException.notFound("the content of " + item.name() + " is no longer stored on this server"));
            if (start > 0) {
                content.skipNBytes(start);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long length = end - start + 1;
        ctx.contentType(item.mediaType());
        ctx.header("Content-Length", Long.toString(length));
        if (partial) {
            ctx.header("Content-Range", "bytes " + start + "-" + end + "/" + size);
            ctx.status(206);
        } else {
            ctx.status(200);
        }
        ctx.result(new BoundedStream(content, length));
    }

    private static long parse(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // too many digits: past any content's end
        }
    }

    /** {@code filename="…"}; the stored names are plain ASCII already. */
    private static String fileName(String name) {
        return "filename=\"" + name.replace("\"", "_").replace("\\", "_") + "\"";
    }

    /** The first {@code remaining} bytes of a stream, closing it at the end. */
    private static final class BoundedStream extends java.io.FilterInputStream {
        private long remaining;

        BoundedStream(InputStream in, long remaining) {
            super(in);
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(buffer, offset, (int) Math.min(length, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }
}
