package dev.nightshift.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What git's refusal is turned into: an HTTP 401/403 asks for credentials; a port that happens to contain 401 does not. */
class RefusalWordsTest {
    private static final RepositoryUrl REPO = RepositoryUrl.parse("https://git.example.com/acme/app.git");

    @Test
    void httpRefusalsAskForCredentials() {
        for (String message : new String[] {
            "fatal: unable to access 'https://git.example.com/acme/app.git/': The requested URL returned error: 403",
            "remote: HTTP Basic: Access denied\nfatal: Authentication failed for 'https://git.example.com/'",
            "fatal: could not read Username for 'https://git.example.com': terminal prompts disabled",
            "error: RPC failed; HTTP 401 curl 22"
        }) {
            assertThat(Mirrors.describe("fetch", REPO, GitAuth.NONE, message))
                    .as(message)
                    .contains("wants credentials");
        }
    }

    @Test
    void portNumbersThatContain401Or403AreNotRefusals() {
        for (String message : new String[] {
            "fatal: unable to access 'https://git.example.com:40123/app.git/': Failed to connect to git.example.com port 40123",
            "fatal: unable to access 'http://10.0.0.1:34031/': Failed to connect to 10.0.0.1 port 34031 after 0 ms",
            "Failed to connect to 127.0.0.1 port 4013: Connection refused"
        }) {
            assertThat(Mirrors.describe("fetch", REPO, GitAuth.NONE, message))
                    .as(message)
                    .startsWith("could not reach the repository");
        }
    }
}
