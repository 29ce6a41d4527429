package dev.nightshift.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.core.secret.Delivery;
import dev.nightshift.core.secret.StoredSecret;
import dev.nightshift.core.secret.StoredSecret.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretRulesTest {
    private static final byte[] SALT = "salt".getBytes(StandardCharsets.UTF_8);

    private static SecretRules.Draft draft(String name, String value, Delivery delivery, List<String> hosts) {
        return new SecretRules.Draft(name, value, delivery, hosts, List.of(), List.of(), List.of(), List.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"NPM_TOKEN", "_x", "a", "Api_Key_2", "PATHS", "HOMEBREW_TOKEN", "NIGHTSHIFTY"})
    void goodNamesPass(String name) {
        assertThat(SecretRules.checkName(name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1ABC", "A-B", "A B", "A.B", "É", "A=B"})
    void badNamesNameTheRule(String name) {
        assertThat(SecretRules.checkName(name)).get().asString().contains("'name'");
    }

    @Test
    void nullNameIsRequired() {
        assertThat(SecretRules.checkName(null)).get().asString().contains("required");
    }

    @Test
    void namesHaveAtMostAHundredCharacters() {
        assertThat(SecretRules.checkName("A".repeat(100))).isEmpty();
        assertThat(SecretRules.checkName("A".repeat(101))).get().asString().contains("at most 100");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "PATH",
                "path",
                "Home",
                "USER",
                "SHELL",
                "PWD",
                "LANG",
                "TERM",
                "TMPDIR",
                "HTTP_PROXY",
                "https_proxy",
                "No_Proxy",
                "ALL_PROXY",
                "SSL_CERT_FILE",
                "NODE_EXTRA_CA_CERTS",
                "REQUESTS_CA_BUNDLE",
                "GIT_SSL_CAINFO",
                "JAVA_TOOL_OPTIONS",
                "LD_PRELOAD",
                "LD_LIBRARY_PATH",
                "NIGHTSHIFT_X",
                "nightshift_secret_key"
            })
    void reservedNamesAreRefusedInAnyCase(String name) {
        assertThat(SecretRules.checkName(name)).get().asString().contains("reserved");
    }

    @Test
    void valuesAreNonEmptyAndAtMostSixteenKibibytes() {
        assertThat(SecretRules.checkValue("", Delivery.EGRESS)).get().asString().contains("empty");
        assertThat(SecretRules.checkValue(null, Delivery.ENV)).isPresent();
        assertThat(SecretRules.checkValue("x".repeat(16 * 1024), Delivery.EGRESS))
                .isEmpty();
        assertThat(SecretRules.checkValue("x".repeat(16 * 1024 + 1), Delivery.EGRESS))
                .get()
                .asString()
                .contains("16 KiB");
        // counted in UTF-8 bytes: 8193 two-byte characters are over the limit
        assertThat(SecretRules.checkValue("é".repeat(8193), Delivery.SETUP)).isPresent();
    }

    @Test
    void egressValuesGoIntoHeadersSoHoldNoLineBreaks() {
        assertThat(SecretRules.checkValue("tok\n", Delivery.EGRESS))
                .get()
                .asString()
                .contains("line breaks");
        assertThat(SecretRules.checkValue("-----BEGIN KEY-----\nabc\n", Delivery.SETUP))
                .isEmpty();
        assertThat(SecretRules.checkValue("a\tb", Delivery.ENV)).isEmpty();
    }

    @Test
    void anEgressSecretWithoutHostsIsRefusedOthersMayHaveNone() {
        assertThat(SecretRules.checkHosts(Delivery.EGRESS, List.of()))
                .get()
                .asString()
                .contains("could never be used");
        assertThat(SecretRules.checkHosts(Delivery.EGRESS, null)).isPresent();
        assertThat(SecretRules.checkHosts(Delivery.SETUP, List.of())).isEmpty();
        assertThat(SecretRules.checkHosts(Delivery.ENV, null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"registry.npmjs.org", "*.example.com", "localhost", "127.0.0.1", "a-b.c", "x"})
    void hostsAreNamesOrWildcardSuffixes(String host) {
        assertThat(SecretRules.checkHosts(Delivery.EGRESS, List.of(host))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://example.com",
                "example.com/path",
                "example.com:443",
                "*",
                "*.",
                "a.*.com",
                "-a.com",
                "a-.com",
                "a..com",
                "Example.com",
                "exa mple.com",
                "",
                "*example.com"
            })
    void hostsWithSchemePortPathOrBadLabelsAreRefused(String host) {
        assertThat(SecretRules.checkHosts(Delivery.EGRESS, List.of(host)))
                .get()
                .asString()
                .contains("not a host name");
    }

    @Test
    void aHostLabelHasAtMostSixtyThreeCharacters() {
        assertThat(SecretRules.validHost("a".repeat(63) + ".com")).isTrue();
        assertThat(SecretRules.validHost("a".repeat(64) + ".com")).isFalse();
        assertThat(SecretRules.validHost(("a".repeat(60) + ".").repeat(5) + "com"))
                .isFalse();
    }

    @Test
    void methodsComeFromTheHttpSet() {
        assertThat(SecretRules.checkMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")))
                .isEmpty();
        assertThat(SecretRules.checkMethods(null)).isEmpty();
        assertThat(SecretRules.checkMethods(List.of("FETCH"))).get().asString().contains("'FETCH'");
        assertThat(SecretRules.checkMethods(List.of("CONNECT"))).isPresent();
        assertThat(SecretRules.checkMethods(List.of("get"))).isPresent(); // normalise first
    }

    @Test
    void pathPrefixesStartWithASlash() {
        assertThat(SecretRules.checkPathPrefixes(List.of("/", "/api/v1/query"))).isEmpty();
        for (String bad : List.of("api", "/a b", "/a?x=1", "/a#f", "", "/" + "a".repeat(1000))) {
            assertThat(SecretRules.checkPathPrefixes(List.of(bad)))
                    .as(bad)
                    .get()
                    .asString()
                    .contains("'/'");
        }
    }

    @Test
    void headersAndQueryParametersAreNames() {
        assertThat(SecretRules.checkHeaders(List.of("Authorization", "X-Api-Key")))
                .isEmpty();
        assertThat(SecretRules.checkHeaders(List.of("X Api"))).get().asString().contains("header name");
        assertThat(SecretRules.checkHeaders(List.of("X:Y"))).isPresent();
        assertThat(SecretRules.checkQueryParams(List.of("api_key", "token.v2"))).isEmpty();
        assertThat(SecretRules.checkQueryParams(List.of("a=b")))
                .get()
                .asString()
                .contains("query parameter");
        assertThat(SecretRules.checkQueryParams(List.of("a&b"))).isPresent();
    }

    @Test
    void listsAreBounded() {
        List<String> many = java.util.stream.IntStream.range(0, 51)
                .mapToObj(i -> "h" + i + ".example.com")
                .toList();
        assertThat(SecretRules.checkHosts(Delivery.EGRESS, many))
                .get()
                .asString()
                .contains("more than 50");
        assertThat(SecretRules.checkHosts(Delivery.EGRESS, many.subList(0, 50))).isEmpty();
    }

    @Test
    void normaliseCasesDeduplicatesAndDefaultsToEgress() {
        SecretRules.Draft d = SecretRules.normalise(new SecretRules.Draft(
                "N",
                "v",
                null,
                List.of("API.Example.com ", "api.example.com"),
                List.of("post", "POST"),
                null,
                null,
                null));
        assertThat(d.delivery()).isEqualTo(Delivery.EGRESS);
        assertThat(d.hosts()).containsExactly("api.example.com");
        assertThat(d.methods()).containsExactly("POST");
        assertThat(d.pathPrefixes()).isEmpty();
        assertThat(SecretRules.check(d)).isEmpty();
    }

    @Test
    void checkReportsTheFirstBrokenRuleAndSkipsAnAbsentValue() {
        assertThat(SecretRules.check(draft("PATH", "v", Delivery.EGRESS, List.of("a.com"))))
                .get()
                .asString()
                .contains("reserved");
        assertThat(SecretRules.check(draft("OK", "", Delivery.EGRESS, List.of("a.com"))))
                .get()
                .asString()
                .contains("empty");
        assertThat(SecretRules.check(draft("OK", null, Delivery.EGRESS, List.of("a.com"))))
                .isEmpty();
        assertThat(SecretRules.check(draft("OK", "v", Delivery.EGRESS, List.of())))
                .get()
                .asString()
                .contains("host");
    }

    @Test
    void repositoryPatternsAreReadLikeTheAllowlist() {
        assertThat(SecretRules.checkRepositoryPattern("github.com/acme/*")).isEmpty();
        assertThat(SecretRules.checkRepositoryPattern("/srv/repos/**")).isEmpty();
        assertThat(SecretRules.checkRepositoryPattern(" ")).isPresent();
        assertThat(SecretRules.checkRepositoryPattern(null)).isPresent();
        assertThat(SecretRules.checkRepositoryPattern("https:///x"))
                .get()
                .asString()
                .contains("no host");
        assertThat(SecretRules.checkRepositoryPattern("x".repeat(501))).isPresent();
    }

    private static int ids = 0;

    private static StoredSecret secret(String name, Kind kind, String key) {
        return secret(name, kind, key, Delivery.EGRESS);
    }

    private static StoredSecret secret(String name, Kind kind, String key, Delivery delivery) {
        ids++;
        return new StoredSecret(
                "sec_" + ids,
                name,
                delivery,
                List.of("a.com"),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                kind,
                key,
                "sealed",
                "u",
                Instant.ofEpochMilli(ids),
                "u",
                Instant.ofEpochMilli(ids),
                1);
    }

    @Test
    void aSessionGetsDeploymentMatchingRepositoryAndItsCreatorsSecrets() {
        StoredSecret deployment = secret("A", Kind.DEPLOYMENT, "");
        StoredSecret repo = secret("B", Kind.REPOSITORY, "github.com/acme/*");
        StoredSecret otherRepo = secret("C", Kind.REPOSITORY, "github.com/other/*");
        StoredSecret mine = secret("D", Kind.USER, "usr_alice");
        StoredSecret theirs = secret("E", Kind.USER, "usr_bob");
        List<StoredSecret> all = List.of(deployment, repo, otherRepo, mine, theirs);
        assertThat(SecretRules.applicable(all, "https://github.com/acme/app.git", "usr_alice"))
                .containsExactly(deployment, repo, mine);
        assertThat(SecretRules.applicable(all, "git@github.com:other/x.git", "usr_bob"))
                .containsExactly(deployment, otherRepo, theirs);
        assertThat(SecretRules.applicable(all, null, null)).containsExactly(deployment);
        assertThat(SecretRules.applicable(all, "not a url at all ::", "nobody")).containsExactly(deployment);
    }

    @Test
    void forOneNameTheUserBeatsTheRepositoryBeatsTheDeployment() {
        StoredSecret deployment = secret("TOKEN", Kind.DEPLOYMENT, "");
        StoredSecret broad = secret("TOKEN", Kind.REPOSITORY, "github.com/**");
        StoredSecret narrow = secret("TOKEN", Kind.REPOSITORY, "github.com/acme/app");
        StoredSecret mine = secret("TOKEN", Kind.USER, "usr_alice");
        String repo = "https://github.com/acme/app";
        assertThat(SecretRules.applicable(List.of(deployment, broad, narrow, mine), repo, "usr_alice"))
                .containsExactly(mine);
        assertThat(SecretRules.applicable(List.of(mine, narrow, broad, deployment), repo, "usr_bob"))
                .containsExactly(narrow);
        assertThat(SecretRules.applicable(List.of(deployment, broad), repo, "usr_bob"))
                .containsExactly(broad);
        assertThat(SecretRules.applicable(List.of(deployment), repo, "usr_bob")).containsExactly(deployment);
    }

    @Test
    void aRepositoryPatternWithDotSegmentsInTheUrlNeverMatches() {
        StoredSecret repo = secret("B", Kind.REPOSITORY, "github.com/acme/**");
        assertThat(SecretRules.applicable(List.of(repo), "https://github.com/acme/../other/x", "u"))
                .isEmpty();
        assertThat(SecretRules.applicable(List.of(secret("L", Kind.REPOSITORY, "/srv/**")), "/srv/x/repo", "u"))
                .hasSize(1);
        assertThat(SecretRules.applicable(List.of(secret("L", Kind.REPOSITORY, "/srv/**")), "github.com/srv/x", "u"))
                .isEmpty();
    }

    @Test
    void anMcpCredentialIsNeverASandboxsAndTheMostSpecificOfItsNameIsUsed() {
        StoredSecret deployment = secret("LINEAR", Kind.DEPLOYMENT, "", Delivery.MCP);
        StoredSecret narrow = secret("LINEAR", Kind.REPOSITORY, "github.com/acme/app", Delivery.MCP);
        StoredSecret mine = secret("LINEAR", Kind.USER, "usr_alice", Delivery.MCP);
        StoredSecret sameNameForSandboxes = secret("LINEAR", Kind.USER, "usr_bob", Delivery.EGRESS);
        List<StoredSecret> all = List.of(deployment, narrow, mine, sameNameForSandboxes);
        String repo = "https://github.com/acme/app";
        assertThat(SecretRules.applicable(all, repo, "usr_alice")).isEmpty();
        assertThat(SecretRules.applicable(all, repo, "usr_bob")).containsExactly(sameNameForSandboxes);
        assertThat(SecretRules.mcpCredential(all, "LINEAR", repo, "usr_alice")).contains(mine);
        assertThat(SecretRules.mcpCredential(all, "LINEAR", repo, "usr_bob")).contains(narrow);
        assertThat(SecretRules.mcpCredential(all, "LINEAR", "https://github.com/other/x", "usr_bob"))
                .contains(deployment);
        assertThat(SecretRules.mcpCredential(all, "OTHER", repo, "usr_alice")).isEmpty();
    }

    @Test
    void anMcpSecretNamesItsServersHostGoesIntoAHeaderAndIsNotNarrowedLikeEgress() {
        assertThat(SecretRules.check(draft("MCP_KEY", "k", Delivery.MCP, List.of())))
                .get()
                .asString()
                .contains("host of its MCP server");
        assertThat(SecretRules.check(draft("MCP_KEY", "k\n", Delivery.MCP, List.of("mcp.example.com"))))
                .get()
                .asString()
                .contains("line breaks");
        assertThat(SecretRules.check(new SecretRules.Draft(
                        "MCP_KEY",
                        "k",
                        Delivery.MCP,
                        List.of("mcp.example.com"),
                        List.of("GET"),
                        List.of(),
                        List.of(),
                        List.of())))
                .get()
                .asString()
                .contains("do not apply");
        assertThat(SecretRules.check(draft("MCP_KEY", "k", Delivery.MCP, List.of("mcp.example.com"))))
                .isEmpty();
        assertThat(SecretRules.hostAllowed(List.of("mcp.example.com", "*.acme.com"), "MCP.example.com"))
                .isTrue();
        assertThat(SecretRules.hostAllowed(List.of("*.acme.com"), "api.acme.com"))
                .isTrue();
        assertThat(SecretRules.hostAllowed(List.of("*.acme.com"), "acme.com.evil.org"))
                .isFalse();
        assertThat(SecretRules.hostAllowed(List.of("mcp.example.com"), "example.com"))
                .isFalse();
    }

    @Test
    void placeholdersAreStableUniquePerSessionAndSecretAndDependOnTheSalt() {
        String p = SecretRules.placeholder(SALT, "ses_1", "sec_1");
        assertThat(p).matches("NSPH_[A-Z2-7]{24}");
        assertThat(SecretRules.placeholder(SALT, "ses_1", "sec_1")).isEqualTo(p);
        assertThat(SecretRules.placeholder(SALT, "ses_2", "sec_1")).isNotEqualTo(p);
        assertThat(SecretRules.placeholder(SALT, "ses_1", "sec_2")).isNotEqualTo(p);
        assertThat(SecretRules.placeholder("other".getBytes(StandardCharsets.UTF_8), "ses_1", "sec_1"))
                .isNotEqualTo(p);
        // the separator keeps ("ses_1", "0sec") and ("ses_10", "sec") apart
        assertThat(SecretRules.placeholder(SALT, "ses_1", "0sec"))
                .isNotEqualTo(SecretRules.placeholder(SALT, "ses_10", "sec"));
    }

    @Test
    void theStoredSecretNeverPrintsItsSealedValue() {
        StoredSecret s = secret("A", Kind.DEPLOYMENT, "");
        assertThat(s.toString()).doesNotContain("sealed");
        assertThat(s.sealContext()).isEqualTo("secret:deployment::A");
        assertThat(Optional.of(s.withValueSealed("x").valueSealed())).contains("x");
    }
}
