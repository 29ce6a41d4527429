package dev.nightshift.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RepositoryUrlTest {
    @Test
    void acceptsEveryKindOfGitLocation() {
        assertThat(RepositoryUrl.parse("https://github.com/acme/app.git"))
                .isEqualTo(
                        new RepositoryUrl("https://github.com/acme/app.git", "github.com", RepositoryUrl.Kind.HTTPS));
        assertThat(RepositoryUrl.parse("ssh://git@git.example.com:2222/acme/app.git")
                        .host())
                .isEqualTo("git.example.com");
        assertThat(RepositoryUrl.parse("git@github.com:acme/app.git"))
                .isEqualTo(new RepositoryUrl("git@github.com:acme/app.git", "github.com", RepositoryUrl.Kind.SSH));
        assertThat(RepositoryUrl.parse("/srv/repos/../app.git").url()).isEqualTo("file:///srv/app.git");
        assertThat(RepositoryUrl.parse("file:///srv/app.git").local()).isTrue();
    }

    @Test
    void refusesCredentialsInTheUrlAndSaysWhereTheyGo() {
        assertThatThrownBy(() -> RepositoryUrl.parse("https://me:ghp_secret@github.com/acme/app.git"))
                .hasMessageContaining("PUT /api/me/credentials/github.com");
        assertThatThrownBy(() -> RepositoryUrl.parse("https://ghp_secret@github.com/acme/app.git"))
                .hasMessageContaining("credentials");
    }

    @Test
    void refusesWhatGitWouldTakeForAnOptionOrATransportCommand() {
        assertThatThrownBy(() -> RepositoryUrl.parse("--upload-pack=touch /tmp/x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RepositoryUrl.parse("ext::sh -c touch% /tmp/x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RepositoryUrl.parse("relative/path")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RepositoryUrl.parse("file://relative")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mirrorKeysAreReadableStableAndDistinct() {
        String a = RepositoryUrl.parse("https://github.com/acme/app.git").mirrorKey();
        assertThat(a).startsWith("app-").hasSize("app-".length() + 16);
        assertThat(RepositoryUrl.parse("https://github.com/acme/app.git").mirrorKey())
                .isEqualTo(a);
        assertThat(RepositoryUrl.parse("https://github.com/other/app.git").mirrorKey())
                .isNotEqualTo(a);
    }
}
