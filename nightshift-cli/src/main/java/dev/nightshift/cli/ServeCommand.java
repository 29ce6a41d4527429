package dev.nightshift.cli;

import dev.nightshift.server.Main;
import picocli.CommandLine.Command;

/** {@code nightshift serve}: the control plane, exactly as the server's own main starts it. */
@Command(
        name = "serve",
        description = {
            "Start the Nightshift control plane on this machine.",
            "Configuration comes from NIGHTSHIFT_* environment variables or nightshift.properties (see the README).",
            "Prints the URL and a login token, also written to <data dir>/admin-token."
        })
final class ServeCommand implements Runnable {
    @Override
    public void run() {
        // returns once the server listens; its threads keep the process alive until it is stopped
        Main.main(new String[] {"serve"});
    }
}
