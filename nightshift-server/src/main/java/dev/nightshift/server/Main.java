package dev.nightshift.server;

import dev.nightshift.server.auth.LocalAdmin;

/** {@code nightshift serve}: starts the control plane from the environment and prints how to reach it. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        String command = args.length == 0 ? "serve" : args[0];
        if (command.equals("--help") || command.equals("-h") || command.equals("help")) {
            usage();
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

    private static void usage() {
        System.out.println("""
                usage: nightshift serve

                Starts the Nightshift control plane. Configuration comes from NIGHTSHIFT_* environment
                variables or a nightshift.properties file; see the README for the table.""");
    }
}
