package dev.nightshift.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OwnerAndRepoTest {

    private static final URI GITHUB = URI.create("https://github.com");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://github.com/octo-org/hello-world",
                "https://github.com/octo-org/hello-world.git",
                "https://github.com/octo-org/hello-world/",
                "https://x-access-token:secret@github.com/octo-org/hello-world.git",
                "https://GitHub.com/octo-org/hello-world.git",
                "git@github.com:octo-org/hello-world.git",
                "git@github.com:octo-org/hello-world",
                "ssh://git@github.com/octo-org/hello-world.git",
                "ssh://git@github.com:22/octo-org/hello-world.git",
            })
    void recognisesTheUsualRemoteForms(String url) {
        assertThat(PullRequests.ownerAndRepo(url, GITHUB)).contains("octo-org/hello-world");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://gitlab.com/octo-org/hello-world.git",
                "git@gitlab.com:octo-org/hello-world.git",
                "https://github.com.evil.example/octo-org/hello-world.git",
                "https://github.com/octo-org",
                "https://github.com/octo-org/hello-world/tree/main",
                "https://github.com:8443/octo-org/hello-world.git",
                "ftp://github.com/octo-org/hello-world.git",
                "/srv/git/hello-world.git",
                "",
            })
    void rejectsOtherHostsAndShapes(String url) {
        assertThat(PullRequests.ownerAndRepo(url, GITHUB)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello.world", "hello_world", "hello-world.js"})
    void keepsDotsInRepositoryNamesButDropsGitSuffix(String name) {
        assertThat(PullRequests.ownerAndRepo("https://github.com/o/" + name + ".git", GITHUB))
                .contains("o/" + name);
    }

    @org.junit.jupiter.api.Test
    void followsTheConfiguredWebHostAndPort() {
        URI enterprise = URI.create("http://127.0.0.1:8080");
        assertThat(PullRequests.ownerAndRepo("http://127.0.0.1:8080/o/r.git", enterprise))
                .contains("o/r");
        assertThat(PullRequests.ownerAndRepo("git@127.0.0.1:o/r.git", enterprise))
                .contains("o/r");
        assertThat(PullRequests.ownerAndRepo("http://127.0.0.1:9090/o/r.git", enterprise))
                .isEmpty();
        assertThat(PullRequests.ownerAndRepo("https://github.com/o/r.git", enterprise))
                .isEmpty();
    }
}
