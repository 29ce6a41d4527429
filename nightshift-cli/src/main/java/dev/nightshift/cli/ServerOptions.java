package dev.nightshift.cli;

import dev.nightshift.server.NightshiftConfig;
import dev.nightshift.server.auth.LocalAdmin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --server} and {@code --token}, shared by every client command. Without them the CLI talks
 * to the server of this machine, found the way the server finds its own settings
 * ({@code NIGHTSHIFT_PORT}, {@code NIGHTSHIFT_PUBLIC_URL}, {@code NIGHTSHIFT_DATA_DIR}, the config file),
 * so {@code nightshift serve} and {@code nightshift run} in one directory need no flags.
 */
public final class ServerOptions {
    public static final String SERVER_ENV = "NIGHTSHIFT_SERVER";
    public static final String TOKEN_ENV = "NIGHTSHIFT_TOKEN";

    @Option(
            names = "--server",
            paramLabel = "URL",
            description = "Server URL. Default: $" + SERVER_ENV
                    + ", else this machine's server (NIGHTSHIFT_PORT, NIGHTSHIFT_PUBLIC_URL).")
    String server;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "API token. Default: $" + TOKEN_ENV + ", else the admin token in the local data directory.")
    String token;

    /** A client for the chosen server, or a {@link CliException} saying which setting is missing or wrong. */
    public NightshiftApi connect(Terminal terminal) {
        String url = server != null ? server : terminal.env(SERVER_ENV);
        String secret = token != null ? token : terminal.env(TOKEN_ENV);
        if (url == null || secret == null) {
            NightshiftConfig local = localConfig(terminal);
            if (url == null) {
                url = localUrl(local);
            }
            if (secret == null) {
                secret = localAdminToken(local.dataDir());
            }
        }
        return new NightshiftApi(url, secret.trim());
    }

    private static NightshiftConfig localConfig(Terminal terminal) {
        try {
            return NightshiftConfig.fromSources(terminal.env());
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "cannot work out the local server from its settings: " + e.getMessage()
                            + ". Fix the setting, or pass --server and --token.");
        }
    }

    private static String localUrl(NightshiftConfig config) {
        if (config.publicUrl() != null) {
            return config.publicUrl();
        }
        // a server listening on every interface is reachable on loopback
        String host = config.bind().equals("0.0.0.0") || config.bind().equals("::") ? "127.0.0.1" : config.bind();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + config.port();
    }

    private static String localAdminToken(Path dataDir) {
        Path file = dataDir.resolve(LocalAdmin.TOKEN_FILE);
        try {
            String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!secret.isEmpty()) {
                return secret;
            }
        } catch (IOException e) {
            // explained below
        }
        throw new CliException(
                ExitCodes.AUTH,
                "no token: pass --token or set " + TOKEN_ENV + " (no local admin token in " + file
                        + "; 'nightshift serve' writes one there)");
    }
}
