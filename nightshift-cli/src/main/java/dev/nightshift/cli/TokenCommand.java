package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift token create|list|revoke}: your own API tokens. */
@Command(
        name = "token",
        description = "Manage your API tokens.",
        subcommands = {TokenCommand.CreateToken.class, TokenCommand.ListTokens.class, TokenCommand.RevokeToken.class})
final class TokenCommand {
    private TokenCommand() {}

    @Command(
            name = "create",
            description = {
                "Create an API token and print its secret, shown only this once.",
                "stdout gets only the secret, so TOKEN=$(nightshift token create) works."
            })
    static final class CreateToken extends ClientCommand {
        @Option(names = "--name", paramLabel = "NAME", description = "What the token is for (default: the server's).")
        String name;

        @Option(
                names = "--scope",
                paramLabel = "SCOPE",
                split = ",",
                description = {
                    "What the token may do; repeat or separate with commas: sessions:read, sessions:write, account, admin.",
                    "Default: sessions:read, sessions:write and account (never more than the token you use has)."
                })
        java.util.List<String> scopes;

        @Option(
                names = "--expires",
                paramLabel = "DAYS",
                description = "Expire after this many days, e.g. 30d (default: never).")
        String expires;

        @Option(names = "--json", description = "For scripts: the new token (id, name, scopes, secret) as JSON.")
        boolean json;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        CreateToken(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (name != null && !name.isBlank()) {
                body.put("name", name.strip());
            }
            if (scopes != null && !scopes.isEmpty()) {
                body.put(
                        "scopes",
                        scopes.stream()
                                .map(String::strip)
                                .filter(x -> !x.isEmpty())
                                .toList());
            }
            if (expires != null) {
                java.util.regex.Matcher m =
                        java.util.regex.Pattern.compile("(\\d{1,4})d?").matcher(expires.strip());
                if (!m.matches()) {
                    throw new picocli.CommandLine.ParameterException(
                            spec.commandLine(),
                            "--expires takes a number of days, like 30d or 90, got '" + expires + "'");
                }
                body.put("expiresInDays", Integer.parseInt(m.group(1)));
            }
            JsonNode created = api.post("/api/tokens", body);
            if (json) {
                terminal.out().println(created.toString());
            } else {
                terminal.out().println(created.path("token").asText());
                terminal.err()
                        .println("nightshift: created token "
                                + created.path("id").asText() + " ("
                                + created.path("name").asText() + "; " + scopeList(created) + "; expires "
                                + created.path("expiresAt").asText("never") + "); the secret above is shown only now");
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
            Table table = new Table("ID", "CREATED", "EXPIRES", "SCOPES", "NAME");
            for (JsonNode token : tokens.path("tokens")) {
                table.row(
                        token.path("id").asText(),
                        token.path("createdAt").asText(),
                        token.path("expiresAt").asText("never"),
                        scopeList(token),
                        token.path("name").asText());
            }
            table.print(terminal.out(), terminal.ansi());
            return ExitCodes.OK;
        }
    }

    static String scopeList(JsonNode token) {
        java.util.List<String> out = new java.util.ArrayList<>();
        token.path("scopes").forEach(x -> out.add(x.asText()));
        return String.join(",", out);
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
