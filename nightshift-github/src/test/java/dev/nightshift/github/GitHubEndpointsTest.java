package dev.nightshift.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class GitHubEndpointsTest {

    @Test
    void defaultsAreGitHubCom() {
        assertThat(GitHubEndpoints.GITHUB_COM.api()).isEqualTo(URI.create("https://api.github.com"));
        assertThat(GitHubEndpoints.GITHUB_COM.web()).isEqualTo(URI.create("https://github.com"));
    }

    @Test
    void aTrailingSlashDoesNotDoubleInPaths() {
        GitHubEndpoints e = new GitHubEndpoints(
                URI.create("https://ghe.example.com/api/v3/"), URI.create("https://ghe.example.com/"));

        assertThat(e.api("/user")).isEqualTo(URI.create("https://ghe.example.com/api/v3/user"));
        assertThat(e.web("/login/oauth/access_token"))
                .isEqualTo(URI.create("https://ghe.example.com/login/oauth/access_token"));
    }

    @Test
    void relativeUrlsAreRefused() {
        assertThatThrownBy(() -> new GitHubEndpoints(URI.create("/api"), GitHubEndpoints.DEFAULT_WEB))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
