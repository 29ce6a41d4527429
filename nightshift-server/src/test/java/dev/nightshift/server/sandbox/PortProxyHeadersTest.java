package dev.nightshift.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which of a preview's response headers reach the browser, which runs the page in the UI's origin. */
class PortProxyHeadersTest {
    private static final String PORT = "/api/sessions/ses_1/ports/8000/";

    @Test
    void headersThatActOnTheWholeOriginAreDropped() {
        assertThat(PortProxy.returned("Access-Control-Allow-Origin", "*", PORT)).isFalse();
        assertThat(PortProxy.returned("access-control-allow-credentials", "true", PORT))
                .isFalse();
        assertThat(PortProxy.returned("Clear-Site-Data", "\"storage\"", PORT)).isFalse();
        assertThat(PortProxy.returned("Transfer-Encoding", "chunked", PORT)).isFalse();
        assertThat(PortProxy.returned("Content-Type", "text/html", PORT)).isTrue();
        // browsers enforce every policy: the sandbox's own can only narrow the proxy's
        assertThat(PortProxy.returned("Content-Security-Policy", "default-src *", PORT))
                .isTrue();
    }

    @Test
    void cookiesStayInsideTheirPort() {
        assertThat(PortProxy.returned("Set-Cookie", "sid=1; HttpOnly", PORT)).isTrue();
        assertThat(PortProxy.returned("Set-Cookie", "sid=1; Path=/api/sessions/ses_1/ports/8000/app", PORT))
                .isTrue();
        assertThat(PortProxy.returned("Set-Cookie", "sid=1; Path=/api/sessions/ses_1/ports/8000", PORT))
                .isTrue();
        assertThat(PortProxy.returned("Set-Cookie", "sid=1; Path=/", PORT)).isFalse();
        assertThat(PortProxy.returned("Set-Cookie", "sid=1; path=/api/sessions/ses_1/ports/8001/", PORT))
                .isFalse();
        assertThat(PortProxy.returned("Set-Cookie", "sid=1; Path=/api/sessions/ses_1/ports/80", PORT))
                .isFalse();
        assertThat(PortProxy.returned("Set-Cookie", "sid=1; Path=/api/sessions/ses_1/ports/8000/../../", PORT))
                .isFalse();
        assertThat(PortProxy.returned("Set-Cookie", "sid=1; Domain=example.com", PORT))
                .isFalse();
        assertThat(PortProxy.returned("Set-Cookie", "ns_port_8000=forged", PORT))
                .isFalse();
    }
}
