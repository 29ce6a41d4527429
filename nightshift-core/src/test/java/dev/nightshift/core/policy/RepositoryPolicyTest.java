package dev.nightshift.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.policy.RepositoryPolicy.Local;
import dev.nightshift.core.policy.RepositoryPolicy.Location;
import dev.nightshift.core.policy.RepositoryPolicy.Refusal;
import dev.nightshift.core.policy.RepositoryPolicy.Remote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryPolicyTest {
    private static final Path DATA = Path.of("/var/lib/nightshift");

    private static RepositoryPolicy policy(List<String> allow, List<Path> roots) {
        return new RepositoryPolicy(allow, roots, DATA);
    }

    @Test
    void everyFormOfARemoteReadsAsHostAndPath() {
        Remote app = new Remote("github.com", "acme/app");
        for (String url : List.of(
                "https://github.com/acme/app.git",
                "https://GitHub.com/acme/app",
                "http://github.com/acme/app/",
                "ssh://git@github.com/acme/app",
                "ssh://git@github.com:2222/acme/app.git",
                "git@github.com:acme/app.git",
                "git@github.com:acme/app",
                "https://github.com//acme/app.git?x=1#y",
                "github.com/acme/app",
                "github.com:443/acme/app")) {
            assertThat(Location.of(url)).as(url).isEqualTo(app);
        }
        assertThat(Location.of("https://[::1]:8080/team/app.git")).isEqualTo(new Remote("[::1]", "team/app"));
        assertThat(Location.of("https://github.com/acme/a%20b")).isEqualTo(new Remote("github.com", "acme/a b"));
        assertThat(Location.of("github.com")).isEqualTo(new Remote("github.com", ""));
        assertThat(Location.of("github.com/acme/a@b")).isEqualTo(new Remote("github.com", "acme/a@b"));
    }

    @Test
    void localPathsAndFileUrlsReadAsNormalisedPaths() {
        assertThat(Location.of("/srv/repos/app")).isEqualTo(new Local(Path.of("/srv/repos/app")));
        assertThat(Location.of("/srv/repos/../../etc")).isEqualTo(new Local(Path.of("/etc")));
        assertThat(Location.of("file:///srv/repos/app.git")).isEqualTo(new Local(Path.of("/srv/repos/app.git")));
        assertThat(Location.of("FILE://localhost/srv/x")).isEqualTo(new Local(Path.of("/srv/x")));
        // git decodes file:// URLs, so the policy does too: an encoded ".." cannot slip out of a root
        assertThat(Location.of("file:///srv/repos/%2e%2e/%2E%2E/etc")).isEqualTo(new Local(Path.of("/etc")));
    }

    @Test
    void anEmptyAllowlistAllowsEveryRemoteForEveryone() {
        RepositoryPolicy open = policy(List.of(), List.of());
        for (String url :
                List.of("https://github.com/acme/app.git", "git@gitlab.example.com:x/y", "ssh://h/../../etc")) {
            assertThat(open.decide(Location.of(url), false)).as(url).isEmpty();
        }
    }

    @Test
    void aNonEmptyAllowlistAllowsOnlyMatchesWhateverTheScheme() {
        RepositoryPolicy acme = policy(
                List.of("github.com/acme/*", "git@gitlab.example.com:team/**", "https://git.example.org"), List.of());
        for (String url : List.of(
                "https://github.com/acme/app.git",
                "ssh://git@github.com/acme/app",
                "git@github.com:acme/app",
                "https://GITHUB.COM/acme/app",
                "git@gitlab.example.com:team/a/b/c.git",
                "https://gitlab.example.com/team/x",
                "https://git.example.org/anything/at/all.git",
                "ssh://git.example.org/x")) {
            assertThat(acme.decide(Location.of(url), false)).as(url).isEmpty();
            assertThat(acme.decide(Location.of(url), true)).as(url).isEmpty();
        }
        for (String url : List.of(
                "https://github.com/other/app.git",
                "https://github.com/acme/app/more",
                "https://github.com/acme",
                "https://github.com/Acme/app",
                "https://github.com.evil.example/acme/app",
                "https://evil.example/github.com/acme/app",
                "https://github.com/acme/../other/app",
                "https://github.com/acme/%2e%2e/other",
                "git@github.com:acme/./app",
                "https://gitlab.example.com/other/team/x",
                "https://sub.git.example.org/x")) {
            assertThat(acme.decide(Location.of(url), false)).as(url).contains(Refusal.NOT_ALLOWLISTED);
            assertThat(acme.decide(Location.of(url), true)).as(url).contains(Refusal.NOT_ALLOWLISTED);
        }
    }

    @Test
    void aStarInTheHostMatchesWithinTheHost() {
        RepositoryPolicy subdomains = policy(List.of("*.example.com/team/*"), List.of());
        assertThat(subdomains.decide(Location.of("https://git.example.com/team/app"), false))
                .isEmpty();
        assertThat(subdomains.decide(Location.of("https://example.com/team/app"), false))
                .contains(Refusal.NOT_ALLOWLISTED);
    }

    @Test
    void localRepositoriesAreForAdministratorsOrInsideARoot() {
        RepositoryPolicy none = policy(List.of(), List.of());
        assertThat(none.decide(Location.of("/home/ada/project"), true)).isEmpty();
        assertThat(none.decide(Location.of("/home/ada/project"), false)).contains(Refusal.LOCAL_NOT_ALLOWED);
        assertThat(none.decide(Location.of("file:///home/ada/project"), false)).contains(Refusal.LOCAL_NOT_ALLOWED);

        RepositoryPolicy rooted = policy(List.of(), List.of(Path.of("/srv/repos")));
        assertThat(rooted.decide(Location.of("/srv/repos/app"), false)).isEmpty();
        assertThat(rooted.decide(Location.of("/srv/repos"), false)).isEmpty();
        assertThat(rooted.decide(Location.of("file:///srv/repos/team/app.git"), false))
                .isEmpty();
        assertThat(rooted.decide(Location.of("/srv/repos-other/app"), false)).contains(Refusal.LOCAL_NOT_ALLOWED);
        assertThat(rooted.decide(Location.of("/srv/repos/../secret"), false)).contains(Refusal.LOCAL_NOT_ALLOWED);
        assertThat(rooted.decide(Location.of("/srv"), false)).contains(Refusal.LOCAL_NOT_ALLOWED);
    }

    @Test
    void aPathPatternInTheAllowlistAdmitsLocalRepositoriesToo() {
        RepositoryPolicy patterns = policy(List.of("/srv/repos/*", "github.com/acme/*"), List.of());
        assertThat(patterns.decide(Location.of("/srv/repos/app"), false)).isEmpty();
        assertThat(patterns.decide(Location.of("/srv/repos/team/app"), false)).contains(Refusal.LOCAL_NOT_ALLOWED);
        assertThat(patterns.decide(Location.of("https://gitlab.com/x/y"), false))
                .contains(Refusal.NOT_ALLOWLISTED);
        // an allowlist of paths alone still closes remote repositories: a non-empty list allows only matches
        assertThat(policy(List.of("/srv/repos/*"), List.of()).decide(Location.of("https://github.com/a/b"), false))
                .contains(Refusal.NOT_ALLOWLISTED);
    }

    @Test
    void theDataDirectoryIsNeverARepositoryForAnyone() {
        RepositoryPolicy generous = policy(List.of("/**"), List.of(Path.of("/")));
        for (String url : List.of(
                "/var/lib/nightshift",
                "/var/lib/nightshift/git/mirrors/app-0123456789abcdef.git",
                "file:///var/lib/nightshift/git/outbox/ses_1",
                "/var/lib/other/../nightshift/git")) {
            assertThat(generous.decide(Location.of(url), true)).as(url).contains(Refusal.DATA_DIRECTORY);
            assertThat(generous.decide(Location.of(url), false)).as(url).contains(Refusal.DATA_DIRECTORY);
        }
        assertThat(generous.decide(Location.of("/var/lib/nightshift-other"), false))
                .isEmpty();
    }

    @Test
    void symbolicLinksCountWhereTheyPoint(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("repos"));
        Path data = Files.createDirectories(dir.resolve("data/git/mirrors"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("mirrors"), data);
        Files.createDirectories(root.resolve("real"));
        RepositoryPolicy policy = new RepositoryPolicy(List.of(), List.of(root), dir.resolve("data"));

        assertThat(policy.check(root.resolve("real").toString(), false)).isEmpty();
        assertThat(policy.check(root.resolve("not-yet").toString(), false)).isEmpty();
        assertThat(policy.check(root.resolve("escape").toString(), false)).contains(Refusal.LOCAL_NOT_ALLOWED);
        assertThat(policy.check(root.resolve("escape/deeper/app").toString(), false))
                .contains(Refusal.LOCAL_NOT_ALLOWED);
        assertThat(policy.check("file://" + root.resolve("mirrors/x.git"), true))
                .contains(Refusal.DATA_DIRECTORY);

        // a root that is itself a link is compared where it points
        Path linkedRoot = Files.createSymbolicLink(dir.resolve("linked-root"), root);
        RepositoryPolicy viaLink = new RepositoryPolicy(List.of(), List.of(linkedRoot), dir.resolve("data"));
        assertThat(viaLink.check(root.resolve("real").toString(), false)).isEmpty();
        assertThat(viaLink.check(linkedRoot.resolve("real").toString(), false)).isEmpty();
        // and so is the data directory
        Path linkedData = Files.createSymbolicLink(dir.resolve("linked-data"), dir.resolve("data"));
        RepositoryPolicy dataViaLink = new RepositoryPolicy(List.of(), List.of(), linkedData);
        assertThat(dataViaLink.check(data.toString(), true)).contains(Refusal.DATA_DIRECTORY);
    }

    @Test
    void rootsMustBeAbsolute() {
        assertThatThrownBy(() -> policy(List.of(), List.of(Path.of("repos"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'repos' is not an absolute path");
        assertThat(policy(List.of(" ", ""), List.of()).decide(Location.of("https://x.example/y"), false))
                .isEqualTo(Optional.empty());
    }
}
