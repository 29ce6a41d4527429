package dev.nightshift.server;

import dev.nightshift.server.auth.LocalAdmin;
import dev.nightshift.server.git.SecretBox;
import dev.nightshift.server.secret.Reseal;
import dev.nightshift.store.JdbcStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code nightshift serve}: starts the control plane from the environment and prints how to reach it. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        String command = args.length == 0 ? "serve" : args[0];
        if (command.equals("--help") || command.equals("-h") || command.equals("help")) {
            usage();
            return;
        }
        if (command.equals("reseal")) {
            System.exit(reseal(args, System.getenv()));
            return;
        }
        if (!command.equals("serve")) {
            System.err.println("unknown command '" + command + "'");
            usage();
            System.exit(2);
        }
        NightshiftConfig config;
        try {
            config = NightshiftConfig.fromEnvironment();
        } catch (IllegalArgumentException e) {
            System.err.println("nightshift: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Nightshift server;
        try {
            server = Nightshift.start(config);
        } catch (RuntimeException e) {
            System.err.println("nightshift: could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "nightshift-shutdown"));
        String tokenFile = config.dataDir().resolve(LocalAdmin.TOKEN_FILE).toString();
        System.out.printf(
                """

                Nightshift is running at %s
                  database:    %s
                  model:       %s
                  sandboxes:   %s
                  sign-in:     %s
                  data:        %s
                  login token: %s
                               (also in %s)

                Open %s in a browser and sign in with the login token, or from a terminal:
                  ./nightshift run --repo /path/to/a/git/repo "Describe the change you want"
                  curl -H "Authorization: Bearer $(cat %s)" %s/api/sessions

                %n""",
                server.url(),
                server.store().dialect(),
                server.model(),
                String.join("\n" + " ".repeat(15), server.sandboxes().describe()),
                config.signInSummary(),
                config.dataDir(),
                server.adminToken(),
                tokenFile,
                server.url(),
                tokenFile,
                server.url());
        System.out.flush();
    }

    /**
     * {@code nightshift reseal --old-key-file FILE}: re-seals every stored secret from the old key
     * (in FILE, base64) to the configured one ({@code NIGHTSHIFT_SECRET_KEY}, or the data
     * directory's key file, made when missing). Run it with the server stopped.
     *
     * @return the exit code: 0 done, 1 failed, 2 usage
     */
    public static int reseal(String[] args, java.util.Map<String, String> env) {
        if (args.length != 3 || !args[1].equals("--old-key-file")) {
            System.err.println("usage: nightshift reseal --old-key-file FILE");
            return 2;
        }
        try {
            NightshiftConfig config = NightshiftConfig.fromSources(env);
            SecretBox from = SecretBox.ofBase64(Files.readString(Path.of(args[2])));
            SecretBox to = SecretBox.open(config.get(Setting.SECRET_KEY), config.dataDir());
            Reseal.Result result;
            try (JdbcStore store = JdbcStore.open(config.store())) {
                result = Reseal.run(store, config.dataDir(), from, to);
            }
            System.out.printf(
                    "re-sealed %d secrets, %d git credentials, %d signed automations' secrets%s with the new key%n",
                    result.secrets(),
                    result.credentials(),
                    result.automations(),
                    result.caKey() ? " and the egress CA's key" : "");
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("nightshift reseal: " + e.getMessage());
            return 1;
        }
    }

    private static void usage() {
        System.out.println("""
                usage: nightshift serve
                       nightshift reseal --old-key-file FILE   (server stopped: re-seal stored secrets with the new NIGHTSHIFT_SECRET_KEY)

                Starts the Nightshift control plane. Configuration comes from NIGHTSHIFT_* environment
                variables or a nightshift.properties file; see the README for the table.""");
    }
}
