package dev.nightshift.core.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void aValueIsReplacedAsItIsAndAsItLooksInsideJson() {
        Map<String, String> r = Map.of("s3cr\"et\nkey", "NSPH_ABC", "plainvalue", "[secret API]");
        assertThat(Redaction.redact("echo plainvalue done", r)).isEqualTo("echo [secret API] done");
        assertThat(Redaction.redact("{\"content\":\"got s3cr\\\"et\\nkey!\"}", r))
                .isEqualTo("{\"content\":\"got NSPH_ABC!\"}");
        assertThat(Redaction.redact("raw s3cr\"et\nkey", r)).isEqualTo("raw NSPH_ABC");
    }

    @Test
    void longerValuesFirstShortOnesNeverAndNothingToDoIsCheap() {
        Map<String, String> r = Map.of("abcd", "[secret A]", "abcdef", "[secret B]", "ab", "[secret C]");
        assertThat(Redaction.redact("abcdef abcd ab", r)).isEqualTo("[secret B] [secret A] ab");
        String text = "nothing here";
        assertThat(Redaction.redact(text, r)).isSameAs(text);
        assertThat(Redaction.redact(null, r)).isNull();
        assertThat(Redaction.redact(text, Map.of())).isSameAs(text);
    }

    @Test
    void aSessionsReplacementsUsePlaceholdersThenNames() {
        var secrets = new SessionSecrets(
                List.of(new EgressSecret(
                        "NPM_TOKEN",
                        "NSPH_1",
                        "npm-value",
                        List.of("registry.npmjs.org"),
                        List.of(),
                        List.of(),
                        null,
                        null)),
                Map.of("SETUP_KEY", "setup-value"),
                Map.of("LEGACY", "env-value"));
        assertThat(secrets.replacements())
                .containsEntry("npm-value", "NSPH_1")
                .containsEntry("setup-value", "[secret SETUP_KEY]")
                .containsEntry("env-value", "[secret LEGACY]");
        assertThat(secrets.placeholderEnv()).containsExactly(Map.entry("NPM_TOKEN", "NSPH_1"));
        assertThat(secrets.values()).containsExactlyInAnyOrder("npm-value", "setup-value", "env-value");
        assertThat(secrets.toString()).doesNotContain("value");
        assertThat(secrets.egress().getFirst().toString()).doesNotContain("npm-value");
        assertThat(secrets.egress().getFirst().headers()).contains("Authorization");
    }
}
