package dev.nightshift.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryMappingTest {

    private static final String APP = "https://github.com/acme/app.git";
    private static final String WEB = "https://github.com/acme/web.git";
    private static final String API = "https://github.com/acme/api.git";
    private static final RepositoryMapping MAPPING =
            RepositoryMapping.parse("ENG=" + APP + ";WEB=" + WEB + ";label:backend=" + API);

    @Test
    void aTeamMapsToItsRepository() {
        assertThat(MAPPING.resolve("ENG", List.of())).contains(APP);
        assertThat(MAPPING.resolve("WEB", List.of("Bug"))).contains(WEB);
    }

    @Test
    void aLabelRuleWinsOverTheTeamRule() {
        assertThat(MAPPING.resolve("ENG", List.of("Bug", "backend"))).contains(API);
        assertThat(MAPPING.resolve("WEB", List.of("backend"))).contains(API);
    }

    @Test
    void aLabelRuleAppliesToATeamWithoutARule() {
        assertThat(MAPPING.resolve("OPS", List.of("backend"))).contains(API);
    }

    @Test
    void unknownTeamsAndLabelsResolveToNothing() {
        assertThat(MAPPING.resolve("OPS", List.of("frontend"))).isEmpty();
        assertThat(MAPPING.resolve(null, null)).isEmpty();
        assertThat(MAPPING.resolve("", Arrays.asList(null, "  "))).isEmpty();
    }

    @Test
    void teamsAndLabelsAreComparedRegardlessOfCase() {
        assertThat(MAPPING.resolve("eng", List.of())).contains(APP);
        assertThat(MAPPING.resolve("ENG", List.of("Backend "))).contains(API);
        assertThat(RepositoryMapping.parse("eng=" + APP + ";LABEL:Backend=" + API)
                        .resolve("Eng", List.of("BACKEND")))
                .contains(API);
    }

    @Test
    void amongLabelRulesTheFirstWrittenWins() {
        RepositoryMapping mapping = RepositoryMapping.parse("label:frontend=" + WEB + ";label:backend=" + API);

        assertThat(mapping.resolve("ENG", List.of("backend", "frontend"))).contains(WEB);
    }

    @Test
    void spacesAndEmptyRulesAreIgnored() {
        RepositoryMapping mapping =
                RepositoryMapping.parse("  ENG = " + APP + " ;; label: needs review = " + API + " ;");

        assertThat(mapping.resolve("ENG", List.of())).contains(APP);
        assertThat(mapping.resolve("X", List.of("Needs Review"))).contains(API);
        assertThat(mapping.isEmpty()).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  ", " ; ;"})
    void nothingIsTheEmptyMapping(String setting) {
        RepositoryMapping mapping = RepositoryMapping.parse(setting);

        assertThat(mapping.isEmpty()).isTrue();
        assertThat(mapping.resolve("ENG", List.of("backend"))).isEmpty();
        assertThat(RepositoryMapping.empty().isEmpty()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://github.com/acme/app.git",
                "http://git.internal.example/acme/app",
                "ssh://git@github.com/acme/app.git",
                "git://git.example.org/acme/app.git",
                "git@github.com:acme/app.git",
                "git@gitlab.example.com:group/sub/app.git",
            })
    void acceptsRemoteRepositories(String url) {
        assertThat(RepositoryMapping.parse("ENG=" + url).resolve("ENG", List.of()))
                .contains(url);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ENG https://github.com/acme/app.git | rule 1 (\"ENG https://github.com/acme/app.git\"): it has no '='",
                "ENG=https://a/b.git;WEB | rule 2 (\"WEB\"): it has no '='",
                "=https://github.com/acme/app.git | the team key is empty",
                "ENG= | the repository after '=' is empty",
                "label:=https://github.com/acme/app.git | the label name is empty",
                "E-NG=https://github.com/acme/app.git | \"E-NG\" is not a team key",
                "backend label=https://github.com/acme/app.git | is not a team key",
                "ABCDEFGHIJKLMNOPQRSTU=https://github.com/acme/app.git | at most 20 characters",
                "ENG=https://a/b.git;eng=https://a/c.git | the team eng is mapped twice",
                "label:x=https://a/b.git;label:X=https://a/c.git | the label \"X\" is mapped twice",
                "ENG=/srv/git/app | \"/srv/git/app\" is not a remote git repository",
                "ENG=file:///srv/git/app | is not a remote git repository",
                "ENG=ftp://example.com/app.git | is not a remote git repository",
                "ENG=github.com/acme/app | is not a remote git repository",
                "ENG=https://github.com | is not a remote git repository",
                "ENG=app.git | is not a remote git repository",
                "ENG=https://github.com/acme/my app.git | the repository contains spaces",
                "ENG=https://ghp_secret@github.com/acme/app.git | carries credentials",
                "ENG=https://user:pass@github.com/acme/app.git | carries credentials",
            })
    void refusesBadRulesNamingThem(String setting, String message) {
        assertThatThrownBy(() -> RepositoryMapping.parse(setting))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("repository mapping, rule ")
                .hasMessageContaining(message.strip());
    }

    @Test
    void credentialsAreNotRepeatedInTheMessage() {
        assertThatThrownBy(() -> RepositoryMapping.parse("ENG=https://x-access-token:ghp_secret@github.com/a/b.git"))
                .hasMessage("repository mapping, rule 1 (\"ENG=…\"): the repository URL carries credentials;"
                        + " remove them, Nightshift brings its own for pushing")
                .message()
                .doesNotContain("ghp_secret");
    }

    @Test
    void aVeryLongLabelIsRefused() {
        assertThatThrownBy(() -> RepositoryMapping.parse("label:" + "x".repeat(201) + "=" + APP))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than 200 characters");
    }

    @Test
    void describesItselfWithoutRepositoryUrls() {
        assertThat(MAPPING.toString()).contains("eng", "web", "backend").doesNotContain("github.com");
    }
}
