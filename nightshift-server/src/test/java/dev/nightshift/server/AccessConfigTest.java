package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.server.auth.OidcProviderSetting;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The team settings: OpenID providers, admission, visibility, and what the banner says of them. */
class AccessConfigTest {
    @Test
    void openIdProvidersAreNamedWithIssuerClientAndSecret() {
        var config = NightshiftConfig.from(Map.of(
                "NIGHTSHIFT_OIDC_PROVIDERS",
                        "keycloak https://sso.acme.com/realms/acme nightshift; google https://accounts.google.com 123.apps",
                "NIGHTSHIFT_OIDC_CLIENT_SECRETS", "keycloak=s3cret"));
        assertThat(config.oidcProviders()).extracting(OidcProviderSetting::name).containsExactly("keycloak", "google");
        assertThat(config.oidcProviders().get(0).clientSecret()).isEqualTo("s3cret");
        assertThat(config.oidcProviders().get(1).issuer().toString()).isEqualTo("https://accounts.google.com");
        assertThatThrownBy(() -> NightshiftConfig.from(Map.of("NIGHTSHIFT_OIDC_PROVIDERS", "Bad Name https://x y"))
                        .oidcProviders())
                .hasMessageContaining("NIGHTSHIFT_OIDC_PROVIDERS");
        assertThatThrownBy(() -> NightshiftConfig.from(Map.of("NIGHTSHIFT_OIDC_PROVIDERS", "a ftp://x c"))
                        .oidcProviders())
                .hasMessageContaining("https://");
        assertThatThrownBy(
                        () -> NightshiftConfig.from(Map.of("NIGHTSHIFT_OIDC_PROVIDERS", "a https://x c; a https://y d"))
                                .oidcProviders())
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> NightshiftConfig.from(Map.of("NIGHTSHIFT_OIDC_CLIENT_SECRETS", "nosecret"))
                        .oidcProviders())
                .hasMessageContaining("name=secret");
    }

    @Test
    void theBannerSaysWhoMaySignIn() {
        assertThat(NightshiftConfig.from(Map.of()).signInSummary()).startsWith("tokens only");
        assertThat(NightshiftConfig.from(Map.of("NIGHTSHIFT_GITHUB_CLIENT_ID", "c"))
                        .signInSummary())
                .contains("GitHub", "NOBODY but administrators");
        assertThat(NightshiftConfig.from(Map.of(
                                "NIGHTSHIFT_GITHUB_CLIENT_ID",
                                "c",
                                "NIGHTSHIFT_ADMIT_GITHUB_ORGS",
                                "acme",
                                "NIGHTSHIFT_ADMIT_DOMAINS",
                                "acme.com"))
                        .signInSummary())
                .isEqualTo("GitHub; admitted: domains acme.com; GitHub acme");
    }

    @Test
    void visibilityIsTrueOrFalse() {
        assertThat(NightshiftConfig.from(Map.of()).sessionsVisibleToAll()).isFalse();
        assertThat(NightshiftConfig.from(Map.of("NIGHTSHIFT_SESSIONS_VISIBLE_TO_ALL", "true"))
                        .sessionsVisibleToAll())
                .isTrue();
        assertThatThrownBy(() -> NightshiftConfig.from(Map.of("NIGHTSHIFT_SESSIONS_VISIBLE_TO_ALL", "maybe"))
                        .sessionsVisibleToAll())
                .hasMessageContaining("true or false");
    }
}
