package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keeps the README's configuration table true to {@link Setting}, where each default is defined. */
class DocumentationTest {
    @Test
    void theReadmeListsEverySettingWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Setting setting : Setting.values()) {
            String row = Arrays.stream(readme.split("\n"))
                    .filter(line -> line.startsWith("| `" + setting.env() + "` |"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("README has no row for " + setting.env()));
            String shownDefault = setting.defaultValue().isEmpty() ? "(empty)" : "`" + setting.defaultValue() + "`";
            assertThat(row).as(setting.env()).contains("| " + shownDefault + " |");
        }
    }

    @Test
    void configurationFallsBackToTheDocumentedDefaults() {
        NightshiftConfig config = NightshiftConfig.from(Map.of());
        assertThat(config.port()).isEqualTo(Integer.parseInt(Setting.PORT.defaultValue()));
        assertThat(config.bind()).isEqualTo(Setting.BIND.defaultValue());
        assertThat(config.store().isSqlite()).isTrue();
        assertThat(config.limits().maxUnfinishedPrompts()).isEqualTo(10);
        assertThat(config.limits().maxPromptChars()).isEqualTo(64_000);
        assertThat(NightshiftConfig.from(Map.of("NIGHTSHIFT_DATABASE_URL", "jdbc:postgresql://db/x"))
                        .store()
                        .isSqlite())
                .isFalse();
    }

    @Test
    void badSettingsSayWhatIsExpected() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> NightshiftConfig.from(Map.of("NIGHTSHIFT_PORT", "eighty")))
                .hasMessageContaining("NIGHTSHIFT_PORT must be a whole number");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> NightshiftConfig.from(Map.of("NIGHTSHIFT_TURN_LEASE", "30")))
                .hasMessageContaining("such as 30s");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> NightshiftConfig.from(Map.of("NIGHTSHIFT_DATABASE_URL", "mysql://x")))
                .hasMessageContaining("jdbc:sqlite: or jdbc:postgresql:");
    }
}
