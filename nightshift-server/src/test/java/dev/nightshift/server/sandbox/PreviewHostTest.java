package dev.nightshift.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreviewHostTest {
    private static final String DOMAIN = "preview.example.com";
    private static final String SESSION = "ses_01jabcdefghjkmnpqrstvwxyz0";

    @Test
    void formatsPortAndSessionIntoTheFirstLabel() {
        assertThat(PreviewHost.format(SESSION, 3000, DOMAIN))
                .contains("p3000-01jabcdefghjkmnpqrstvwxyz0.preview.example.com");
        assertThat(PreviewHost.format("ses_x", 1, "localhost")).contains("p1-x.localhost");
        assertThat(PreviewHost.format("ses_x", 65535, "localhost")).contains("p65535-x.localhost");
    }

    @Test
    void refusesToFormatWhatCannotBeAHostName() {
        assertThat(PreviewHost.format("ses_ABC", 3000, DOMAIN)).isEmpty(); // upper case would not round-trip
        assertThat(PreviewHost.format("ses_a_b", 3000, DOMAIN)).isEmpty();
        assertThat(PreviewHost.format("ses_a-b", 3000, DOMAIN)).isEmpty();
        assertThat(PreviewHost.format("ses_", 3000, DOMAIN)).isEmpty();
        assertThat(PreviewHost.format("msg_abc", 3000, DOMAIN)).isEmpty();
        assertThat(PreviewHost.format(null, 3000, DOMAIN)).isEmpty();
        assertThat(PreviewHost.format("ses_abc", 0, DOMAIN)).isEmpty();
        assertThat(PreviewHost.format("ses_abc", 65536, DOMAIN)).isEmpty();
        assertThat(PreviewHost.format("ses_" + "a".repeat(58), 3000, DOMAIN)).isEmpty(); // label over 63
        assertThat(PreviewHost.format("ses_" + "a".repeat(57), 65535, DOMAIN)).isEmpty();
        assertThat(PreviewHost.format("ses_" + "a".repeat(57), 3000, DOMAIN)).isPresent(); // exactly 63
        assertThat(PreviewHost.format("ses_" + "a".repeat(56), 65535, DOMAIN)).isPresent();
    }

    @Test
    void parsesWhatItFormats() {
        for (int port : List.of(1, 80, 3000, 5173, 8080, 65535)) {
            String host = PreviewHost.format(SESSION, port, DOMAIN).orElseThrow();
            assertThat(PreviewHost.parse(host, DOMAIN)).contains(new PreviewHost(SESSION, port));
        }
    }

    @Test
    void parsesAHostHeaderInAnyCaseWithAPortOrATrailingDot() {
        PreviewHost expected = new PreviewHost("ses_abc123", 3000);
        assertThat(PreviewHost.parse("p3000-abc123.preview.example.com", DOMAIN))
                .contains(expected);
        assertThat(PreviewHost.parse("P3000-ABC123.Preview.Example.COM", DOMAIN))
                .contains(expected);
        assertThat(PreviewHost.parse("p3000-abc123.preview.example.com:8443", DOMAIN))
                .contains(expected);
        assertThat(PreviewHost.parse("p3000-abc123.preview.example.com.", DOMAIN))
                .contains(expected);
        assertThat(PreviewHost.parse("p3000-abc123.preview.example.com.:443", DOMAIN))
                .contains(expected);
    }

    @Test
    void refusesEverythingElse() {
        for (String host : List.of(
                "",
                "preview.example.com", // the domain itself
                ".preview.example.com",
                "abc.preview.example.com", // another name under the domain
                "p3000.preview.example.com",
                "p3000-.preview.example.com",
                "p-abc.preview.example.com",
                "3000-abc.preview.example.com",
                "q3000-abc.preview.example.com",
                "xp3000-abc.preview.example.com",
                "p03000-abc.preview.example.com", // leading zero
                "p0-abc.preview.example.com",
                "p65536-abc.preview.example.com",
                "p99999-abc.preview.example.com",
                "p123456-abc.preview.example.com",
                "p+3000-abc.preview.example.com",
                "p3000-abc_1.preview.example.com",
                "p3000-abc-def.preview.example.com",
                "p3000-ses_abc.preview.example.com",
                "p3000-abc%2e.preview.example.com",
                "p3000-abc.x.preview.example.com", // a deeper name
                "p3000-abc.preview.example.com.evil.com", // similar, elsewhere
                "p3000-abc.preview.example.comm",
                "p3000-abcpreview.example.com",
                "p3000-abc.example.com",
                "p3000-abc.preview.example.com:http",
                "p3000-abc.preview.example.com:80:80",
                "[::1]:8080",
                "127.0.0.1",
                "p3000-" + "a".repeat(58) + ".preview.example.com", // label over 63
                "p3000-abc.preview.example.com" + "x".repeat(300))) {
            assertThat(PreviewHost.parse(host, DOMAIN)).as(host).isEmpty();
        }
        assertThat(PreviewHost.parse(null, DOMAIN)).isEmpty();
        assertThat(PreviewHost.parse("p3000-abc.preview.example.com", "")).isEmpty();
        assertThat(PreviewHost.parse("p3000-abc.preview.example.com", null)).isEmpty();
    }

    @Test
    void anOriginTakesThePublicUrlsSchemeAndPort() {
        assertThat(PreviewHost.origin("https://nightshift.example.com", DOMAIN, "ses_abc", 3000))
                .contains("https://p3000-abc.preview.example.com");
        assertThat(PreviewHost.origin("http://127.0.0.1:8080", "localhost", "ses_abc", 5173))
                .contains("http://p5173-abc.localhost:8080");
        assertThat(PreviewHost.origin("HTTPS://x.example.com:8443/base", DOMAIN, "ses_abc", 80))
                .contains("https://p80-abc.preview.example.com:8443");
        assertThat(PreviewHost.origin("https://x.example.com", DOMAIN, "ses_A", 80))
                .isEqualTo(Optional.empty());
    }

    @Test
    void theDomainSettingIsADnsNameOrNothing() {
        assertThat(PreviewHost.checkDomain("")).isEmpty();
        assertThat(PreviewHost.checkDomain("  ")).isEmpty();
        assertThat(PreviewHost.checkDomain(null)).isEmpty();
        assertThat(PreviewHost.checkDomain("Preview.Example.com.")).isEqualTo("preview.example.com");
        assertThat(PreviewHost.checkDomain("localhost")).isEqualTo("localhost");
        for (String bad : List.of(
                "https://preview.example.com",
                "preview.example.com:8080",
                "*.preview.example.com",
                "preview.example.com/x",
                "preview..example.com",
                "-preview.example.com",
                "preview-.example.com",
                "pre view.example.com",
                "préview.example.com",
                "a".repeat(64) + ".com",
                ("abcdefghij.").repeat(20) + "com")) {
            assertThatThrownBy(() -> PreviewHost.checkDomain(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("NIGHTSHIFT_PREVIEW_DOMAIN");
        }
    }

    @Test
    void aPreviewsResponseKeepsCookiesOnItsOwnHost() {
        assertThat(PreviewHosts.returned("Set-Cookie", "sid=1; Path=/; HttpOnly"))
                .isTrue();
        assertThat(PreviewHosts.returned("Set-Cookie", "sid=1")).isTrue();
        assertThat(PreviewHosts.returned("Set-Cookie", "sid=1; Domain=preview.example.com"))
                .isFalse();
        assertThat(PreviewHosts.returned("Set-Cookie", "sid=1; path=/; domain=.example.com"))
                .isFalse();
        assertThat(PreviewHosts.returned("Set-Cookie", "ns_preview=forged")).isFalse();
        assertThat(PreviewHosts.returned("Set-Cookie", "__Host-ns_preview=forged; Secure; Path=/"))
                .isFalse();
        assertThat(PreviewHosts.returned("Set-Cookie", "ns_port_3000=forged")).isFalse();
        assertThat(PreviewHosts.returned("Transfer-Encoding", "chunked")).isFalse();
        assertThat(PreviewHosts.returned("Content-Type", "text/css")).isTrue();
        assertThat(PreviewHosts.returned("Access-Control-Allow-Origin", "https://p5173-abc.preview.example.com"))
                .isTrue(); // the app's own origin decides its CORS
    }

    @Test
    void nightshiftsCookiesNeverReachTheApp() {
        assertThat(PreviewHosts.appCookies(List.of("ns_preview=secret; theme=dark", "__Host-ns_preview=s2; a=1")))
                .isEqualTo("theme=dark; a=1");
        assertThat(PreviewHosts.appCookies(List.of("ns_port_3000=live; NS_PREVIEW=x")))
                .isNull();
        assertThat(PreviewHosts.appCookies(List.of())).isNull();
        assertThat(PreviewHosts.setCookie("v", 3600, true))
                .isEqualTo("__Host-ns_preview=v; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax; Secure");
        assertThat(PreviewHosts.setCookie("v", 60, false))
                .isEqualTo("ns_preview=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax")
                .doesNotContain("Domain");
    }
}
