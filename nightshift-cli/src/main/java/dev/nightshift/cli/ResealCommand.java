package dev.nightshift.cli;

import dev.nightshift.server.Main;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nightshift reseal --old-key-file FILE}: key rotation, exactly as the server's own main runs it. */
@Command(
        name = "reseal",
        description = {
            "After changing NIGHTSHIFT_SECRET_KEY (or the data directory's secret.key), with the server stopped:",
            "re-seal every stored secret (vault, git credentials, the egress CA's key) from the old key to the new one.",
            "Safe to run again; values already sealed with the new key are left alone."
        })
final class ResealCommand implements Callable<Integer> {
    @Option(
            names = "--old-key-file",
            required = true,
            paramLabel = "FILE",
            description = "A file holding the old key (base64 of 32 bytes, as in secret.key).")
    String oldKeyFile;

    @Override
    public Integer call() {
        return Main.reseal(new String[] {"reseal", "--old-key-file", oldKeyFile}, System.getenv());
    }
}
