package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift secrets set|list|rm}: the vault. Values come from standard input, never the command line. */
@Command(
        name = "secrets",
        description = "Manage the vault's secrets (values are never shown).",
        subcommands = {
            SecretsCommand.SetSecret.class,
            SecretsCommand.ListSecrets.class,
            SecretsCommand.RemoveSecret.class
        })
final class SecretsCommand {
    private SecretsCommand() {}

    /** Where a secret applies: the deployment (neither), a repository pattern, or the caller. */
    static final class Scope {
        @Option(
                names = "--repo",
                paramLabel = "PATTERN",
                description = "For sessions on repositories matching PATTERN, e.g. github.com/acme/* (administrators).")
        String repository;

        @Option(names = "--user", description = "Your own: for the sessions you start.")
        boolean user;
    }

    @Command(
            name = "set",
            description = {
                "Store a secret, or rotate it when the scope has one of that name. The value is read from",
                "standard input (trailing line breaks dropped): nightshift secrets set NPM_TOKEN --host registry.npmjs.org < token.txt",
                "Without --repo or --user the secret is the deployment's (administrators)."
            })
    static final class SetSecret extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The environment variable it is known by, e.g. NPM_TOKEN.")
        String name;

        @ArgGroup(exclusive = true)
        Scope scope;

        @Option(
                names = "--host",
                paramLabel = "HOST",
                description = "A host it may be sent to (repeat), e.g. api.example.com or *.example.com.")
        List<String> hosts;

        @Option(
                names = "--delivery",
                paramLabel = "MODE",
                description = "egress (default: a placeholder the egress proxy replaces), setup (setup.sh only), env"
                        + " (the real value in the environment; risky) or mcp (never in the sandbox: the control"
                        + " plane sends it to the MCP server that names it).")
        String delivery;

        @Option(names = "--method", paramLabel = "METHOD", description = "Only with this HTTP method (repeat).")
        List<String> methods;

        @Option(
                names = "--path",
                paramLabel = "PREFIX",
                description = "Only to paths starting so (repeat), e.g. /api/v1/query.")
        List<String> paths;

        @Option(names = "--header", paramLabel = "HEADER", description = "Substitute in this request header (repeat).")
        List<String> headers;

        @Option(
                names = "--query-param",
                paramLabel = "NAME",
                description = "Substitute in this query parameter (repeat).")
        List<String> queryParams;

        @Option(names = "--json", description = "For scripts: the stored secret (without its value) as JSON.")
        boolean json;

        SetSecret(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            String value = readValue();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("value", value);
            putIfGiven(body, "delivery", delivery);
            putIfGiven(body, "hosts", hosts);
            putIfGiven(body, "methods", methods);
            putIfGiven(body, "pathPrefixes", paths);
            putIfGiven(body, "headers", headers);
            putIfGiven(body, "queryParams", queryParams);
            String existing = existingId(api);
            JsonNode stored;
            if (existing == null) {
                Map<String, Object> create = new LinkedHashMap<>();
                create.put("name", name);
                create.putAll(body);
                if (scope != null && scope.repository != null) {
                    create.put("scope", Map.of("repository", scope.repository));
                } else if (scope != null && scope.user) {
                    create.put("scope", Map.of("user", true));
                }
                stored = api.post("/api/secrets", create);
            } else {
                stored = api.put("/api/secrets/" + URLEncoder.encode(existing, StandardCharsets.UTF_8), body);
            }
            if (json) {
                terminal.out().println(stored.toString());
            } else {
                terminal.out()
                        .println((existing == null ? "stored " : "rotated ")
                                + stored.path("name").asText() + " ("
                                + stored.path("id").asText() + ", "
                                + stored.path("delivery").asText() + ")");
            }
            if (stored.hasNonNull("warning")) {
                terminal.err()
                        .println(
                                "nightshift: warning: " + stored.path("warning").asText());
            }
            terminal.out().flush();
            return ExitCodes.OK;
        }

        private String readValue() {
            String value;
            try {
                value = new String(terminal.in().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException(
                        ExitCodes.USAGE, "could not read the value from standard input: " + e.getMessage());
            }
            value = value.replaceAll("[\r\n]+$", "");
            if (value.isEmpty()) {
                throw new CliException(
                        ExitCodes.USAGE,
                        "no value on standard input; pipe it in, e.g. nightshift secrets set " + name
                                + " --host api.example.com < value-file (never on the command line)");
            }
            return value;
        }

        /** The id of the secret of this name in this scope, if the caller has one to rotate. */
        private String existingId(NightshiftApi api) {
            String kind = scope == null || (scope.repository == null && !scope.user)
                    ? "deployment"
                    : scope.user ? "user" : "repository";
            String myId = kind.equals("user")
                    ? api.get("/api/me").path("user").path("id").asText()
                    : null;
            for (JsonNode s : api.get("/api/secrets").path("secrets")) {
                JsonNode sc = s.path("scope");
                boolean same = s.path("name").asText().equals(name)
                        && sc.path("kind").asText().equals(kind)
                        && (!kind.equals("repository")
                                || sc.path("repository").asText().equals(scope.repository.strip()))
                        && (!kind.equals("user") || sc.path("user").asText().equals(myId));
                if (same && s.hasNonNull("id")) {
                    return s.path("id").asText();
                }
            }
            return null;
        }

        private static void putIfGiven(Map<String, Object> body, String field, Object value) {
            if (value != null) {
                body.put(field, value);
            }
        }
    }

    @Command(
            name = "list",
            description = "List the secrets you may see: names, scopes, delivery, hosts (never values).")
    static final class ListSecrets extends ClientCommand {
        @Option(names = "--json", description = "For scripts: {\"secrets\":[…]} as one JSON document.")
        boolean json;

        ListSecrets(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            JsonNode secrets = api.get("/api/secrets");
            if (json) {
                terminal.out().println(secrets.toString());
                terminal.out().flush();
                return ExitCodes.OK;
            }
            Table table = new Table("ID", "NAME", "SCOPE", "DELIVERY", "HOSTS", "UPDATED");
            for (JsonNode s : secrets.path("secrets")) {
                JsonNode scope = s.path("scope");
                String where = scope.path("kind").asText()
                        + (scope.hasNonNull("repository")
                                ? " " + scope.path("repository").asText()
                                : "");
                List<String> hosts = new ArrayList<>();
                s.path("hosts").forEach(h -> hosts.add(h.asText()));
                table.row(
                        s.path("id").asText("-"),
                        s.path("name").asText(),
                        where,
                        s.path("delivery").asText("-"),
                        hosts.isEmpty() ? "-" : String.join(",", hosts),
                        s.hasNonNull("updatedAt")
                                ? s.path("updatedAt").asText() + " by "
                                        + s.path("updatedBy").asText()
                                : "-");
            }
            table.print(terminal.out(), terminal.ansi());
            return ExitCodes.OK;
        }
    }

    @Command(name = "rm", description = "Delete a secret; sessions started afterwards no longer get it.")
    static final class RemoveSecret extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The secret's id, as 'secrets list' shows it.")
        String id;

        RemoveSecret(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            api.delete("/api/secrets/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
            terminal.out().println("deleted " + id);
            terminal.out().flush();
            return ExitCodes.OK;
        }
    }
}
