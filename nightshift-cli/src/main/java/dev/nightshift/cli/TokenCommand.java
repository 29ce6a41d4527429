package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift token create|list|revoke}: your own API tokens. */
@Command(name = "token", description = "Manage your API tokens.",
        subcommands = {TokenCommand.CreateToken.class, TokenCommand.ListTokens.class, TokenCommand.RevokeToken.class})
final class TokenCommand {
    private TokenCommand() {}

    @Command(name = "create", description = {"Create an API token and print its secret, shown only this once.",
            "stdout gets only the secret, so TOKEN=$(nightshift token create) works."})
    static final class CreateToken extends ClientCommand {
        @Option(names = "--name", paramLabel = "NAME", description = "What the token is for (default: the server's).")
        String name;

        @Option(names = "--json", description = "For scripts: the new token (id, name, secret) as JSON.")
        boolean json;

        CreateToken(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (name != null && !name.isBlank()) {
                body.put("name", name.strip());
            }
            JsonNode created = api.post("/api/tokens", body);
            if (json) {
                terminal.out().println(created.toString());
            } else {
                terminal.out().println(created.path("token").asText());
                terminal.err().println("nightshift: created token " + created.path("id").asText() + " ("
                        + created.path("name").asText() + "); the secret above is shown only now");
            }
            terminal.out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List your API tokens (never their secrets).")
    static final class ListTokens extends ClientCommand {
        @Option(names = "--json", description = "For scripts: {\"tokens\":[…]} as one JSON document.")
        boolean json;

        ListTokens(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            JsonNode tokens = api.get("/api/tokens");
            if (json) {
                terminal.out().println(tokens.toString());
                terminal.out().flush();
                return ExitCodes.OK;
            }
            Table table = new Table("ID", "CREATED", "EXPIRES", "NAME");
            for (JsonNode token : tokens.path("tokens")) {
                table.row(token.path("id").asText(), token.path("createdAt").asText(),
                        token.path("expiresAt").asText("never"), token.path("name").asText());
            }
            table.print(terminal.out(), terminal.ansi());
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", description = "Revoke one of your API tokens; it stops working at once.")
    static final class RevokeToken extends ClientCommand {
        @Parameters(paramLabel = "TOKEN_ID", description = "The token's id, as 'token list' shows it (not its secret).")
        String tokenId;

        RevokeToken(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            api.delete("/api/tokens/" + java.net.URLEncoder.encode(tokenId, java.nio.charset.StandardCharsets.UTF_8));
            terminal.out().println("revoked " + tokenId);
            terminal.out().flush();
            return ExitCodes.OK;
        }
    }
}
