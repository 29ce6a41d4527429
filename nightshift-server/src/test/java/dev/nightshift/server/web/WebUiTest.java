package dev.nightshift.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The web UI's files: served with the right types, cached by ETag, and never from outside their folders. */
class WebUiTest {
    @Test
    void aPathThatLeavesItsFolderIsNeverServed() {
        assertThat(WebUi.safe("web/js/app.js")).isTrue();
        assertThat(WebUi.safe("web/../logback.xml")).isFalse();
        assertThat(WebUi.safe("web/./index.html")).isFalse();
        assertThat(WebUi.safe("web//index.html")).isFalse();
        assertThat(WebUi.safe("web\\..\\x")).isFalse();
        assertThat(WebUi.safe("web/js/")).isFalse();
    }

    @Test
    void onlyTheFileTypesABrowserNeedsAreServed() {
        assertThat(WebUi.contentType("web/js/app.js")).startsWith("text/javascript");
        assertThat(WebUi.contentType("x/purify.es.mjs")).startsWith("text/javascript");
        assertThat(WebUi.contentType("web/css/base.css")).startsWith("text/css");
        assertThat(WebUi.contentType("dev/nightshift/server/Nightshift.class")).isNull();
        assertThat(WebUi.contentType("META-INF/maven/org.webjars/highlightjs/pom.properties"))
                .isNull();
    }

    @Test
    void filesAndLibrariesAreServedAndRevalidatedByETag() throws Exception {
        try (TestServer s = TestServer.start(p -> {})) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> app = get(http, s.url() + "/ui/js/app.js", null);
            assertThat(app.statusCode()).isEqualTo(200);
            assertThat(app.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
            String etag = app.headers().firstValue("ETag").orElseThrow();
            assertThat(get(http, s.url() + "/ui/js/app.js", etag).statusCode()).isEqualTo(304);

            HttpResponse<String> marked = get(http, s.url() + "/vendor/marked/lib/marked.esm.js", null);
            assertThat(marked.statusCode()).isEqualTo(200);
            assertThat(marked.body()).contains("export");
            assertThat(get(http, s.url() + "/vendor/highlightjs/highlight.min.js", null)
                            .statusCode())
                    .isEqualTo(200);
            // a library without a WebJar, from its npm package at build time: its browser bundle and stylesheet
            HttpResponse<String> diff2html = get(http, s.url() + "/vendor/diff2html/diff2html.min.js", null);
            assertThat(diff2html.statusCode()).isEqualTo(200);
            assertThat(diff2html.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
            assertThat(diff2html.body()).contains("Diff2Html");
            HttpResponse<String> diffCss = get(http, s.url() + "/vendor/diff2html/diff2html.min.css", null);
            assertThat(diffCss.statusCode()).isEqualTo(200);
            assertThat(diffCss.body()).contains(".d2h-wrapper");
            // the terminal's xterm.js and its fit addon, as ES modules, and its stylesheet
            HttpResponse<String> xterm = get(http, s.url() + "/vendor/xterm/xterm.mjs", null);
            assertThat(xterm.statusCode()).isEqualTo(200);
            assertThat(xterm.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
            assertThat(xterm.body()).contains("export");
            assertThat(get(http, s.url() + "/vendor/xterm/addon-fit.mjs", null).body())
                    .contains("FitAddon");
            assertThat(get(http, s.url() + "/vendor/xterm/xterm.css", null).body())
                    .contains(".xterm");
            // only the files a browser loads: not the package's licence or version note, nor a way out
            assertThat(get(http, s.url() + "/vendor/diff2html/version", null).statusCode())
                    .isEqualTo(404);
            assertThat(get(http, s.url() + "/vendor/diff2html/..%2F..%2Flogback.xml", null)
                            .statusCode())
                    .isEqualTo(404);

            HttpResponse<String> share = get(http, s.url() + "/s/nss_secret", null);
            assertThat(share.statusCode()).isEqualTo(200);
            assertThat(share.body()).contains("/ui/js/app.js");
            assertThat(share.headers().firstValue("Referrer-Policy")).contains("no-referrer");

            assertThat(get(http, s.url() + "/ui/js/missing.js", null).statusCode())
                    .isEqualTo(404);
            assertThat(get(http, s.url() + "/vendor/jquery/jquery.js", null).statusCode())
                    .isEqualTo(404);
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url, String ifNoneMatch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
