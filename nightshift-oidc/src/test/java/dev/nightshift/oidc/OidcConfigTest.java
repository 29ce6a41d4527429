package dev.nightshift.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OidcConfigTest {

    @Test
    void defaultsAreFilledInAndOpenidIsAlwaysAsked() {
        OidcConfig config =
                OidcConfig.of("keycloak", URI.create("https://id.example.com/realms/acme"), "nightshift", "s3cret");
        assertThat(config.scopes()).containsExactly("openid", "email", "profile");
        assertThat(config.groupsClaim()).isEqualTo("groups");
        assertThat(config.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.httpTimeout()).isEqualTo(Duration.ofSeconds(10));

        OidcConfig noOpenid = new OidcConfig(
                "google",
                URI.create("https://accounts.google.com"),
                "id",
                "secret",
                List.of("email"),
                "roles",
                null,
                null);
        assertThat(noOpenid.scopes()).containsExactly("openid", "email");
        assertThat(noOpenid.groupsClaim()).isEqualTo("roles");
    }

    @Test
    void plainHttpIsOnlyForLoopback() {
        assertThat(OidcConfig.of("dex", URI.create("http://127.0.0.1:5556/dex"), "id", "secret")
                        .issuer()
                        .getPort())
                .isEqualTo(5556);
        assertThat(OidcConfig.of("dex", URI.create("http://localhost:5556/dex"), "id", "secret"))
                .isNotNull();
        assertThat(OidcConfig.of("dex", URI.create("http://[::1]:5556/dex"), "id", "secret"))
                .isNotNull();
        assertThatThrownBy(() -> OidcConfig.of("dex", URI.create("http://id.example.com/dex"), "id", "secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https");
        assertThatThrownBy(() -> OidcConfig.of("dex", URI.create("http://10.0.0.5/dex"), "id", "secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https");
        // a host name made of hex digits is a name, not an IPv6 literal
        assertThatThrownBy(() -> OidcConfig.of("dex", URI.create("http://cafe/dex"), "id", "secret"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OidcConfig.of("dex", URI.create("https://id.example.com/?x=1"), "id", "secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query");
    }

    @Test
    void refusesMissingPartsAndBadNames() {
        URI issuer = URI.create("https://id.example.com");
        assertThatThrownBy(() -> OidcConfig.of("Key Cloak", issuer, "id", "secret"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OidcConfig.of("okta", issuer, " ", "secret")).hasMessageContaining("client ID");
        assertThatThrownBy(() -> OidcConfig.of("okta", issuer, "id", "")).hasMessageContaining("client secret");
        assertThatThrownBy(() -> new OidcConfig("okta", issuer, "id", "secret", null, null, Duration.ofHours(1), null))
                .hasMessageContaining("clock skew");
    }

    @Test
    void toStringLeavesTheSecretOut() {
        OidcConfig config = OidcConfig.of("okta", URI.create("https://acme.okta.com"), "client-1", "very-secret-value");
        assertThat(config.toString()).contains("client-1").doesNotContain("very-secret-value");
    }
}
