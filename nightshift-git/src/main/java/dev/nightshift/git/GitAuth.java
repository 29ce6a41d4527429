package dev.nightshift.git;

import java.util.List;

/**
 * The credential one git operation runs with. It reaches host git through the environment of that
 * one process (an {@code http.extraHeader} or an SSH key file), never through a URL, a config
 * file or a credential helper, and it never reaches a sandbox.
 */
public sealed interface GitAuth {
    /** For local repositories and public ones. */
    GitAuth NONE = new None();

    static GitAuth token(String username, String token) {
        return new Token(username, token);
    }

    static GitAuth sshKey(String privateKey) {
        return new SshKey(privateKey);
    }

    /** The secret strings to scrub from anything git prints. */
    List<String> secrets();

    record None() implements GitAuth {
        @Override
        public List<String> secrets() {
            return List.of();
        }
    }

    /** An HTTPS token (a personal access token, an OAuth or installation token) sent as basic auth. */
    record Token(String username, String token) implements GitAuth {
        public Token {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("a token credential needs the token");
            }
            username = username == null || username.isBlank() ? "x-access-token" : username;
        }

        @Override
        public List<String> secrets() {
            String basic = java.util.Base64.getEncoder()
                    .encodeToString((username + ":" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return List.of(token, basic);
        }

        @Override
        public String toString() {
            return "Token[" + username + ", ****]";
        }
    }

    record SshKey(String privateKey) implements GitAuth {
        @Override
        public List<String> secrets() {
            return List.of(privateKey);
        }

        @Override
        public String toString() {
            return "SshKey[****]";
        }
    }
}
