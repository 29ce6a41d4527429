package dev.nightshift.server.secret;

import dev.nightshift.server.git.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where the deployment's egress CA lives: its certificate as PEM in the data directory
 * ({@value #CERT_FILE}), its private key as PEM sealed with the {@link SecretBox}
 * ({@value #KEY_FILE}). Made once at first start, when neither file exists. A CA found broken or
 * half there later is replaced only when the operator says so ({@code
 * NIGHTSHIFT_EGRESS_CA_REGENERATE=true}): sandboxes trust it, so a silent new one would break
 * every tool that pinned the old one. Knows PEM strings only; making and checking a CA is the
 * egress proxy's ({@link Generator}, {@link Check}). Called once, on the starting thread.
 */
public final class EgressCaStore {
    public static final String CERT_FILE = "egress-ca.pem";
    public static final String KEY_FILE = "egress-ca.key.sealed";
    /** The associated data the key is sealed with. */
    static final String CONTEXT = "egress-ca";

    private EgressCaStore() {}

    /** A CA as PEM text: the certificate, and the private key (never printed). */
    public record Pems(String certificatePem, String privateKeyPem) {
        @Override
        public String toString() {
            return "Pems[certificate, key hidden]";
        }
    }

    /** Makes a new CA. */
    public interface Generator {
        Pems generate();
    }

    /** Checks a loaded CA (parses, the key fits the certificate, still valid); throws saying what is wrong. */
    public interface Check {
        void check(Pems pems) throws Exception;
    }

    /**
     * The stored CA; a new one at first start, or when {@code regenerate} is set and the stored
     * one is missing or broken.
     *
     * @throws IllegalStateException when the stored CA is missing or broken and {@code regenerate}
     *     is not set, saying what to do
     */
    public static Pems loadOrCreate(Path dataDir, SecretBox box, Generator generator, Check check, boolean regenerate) {
        Path cert = dataDir.resolve(CERT_FILE);
        Path key = dataDir.resolve(KEY_FILE);
        if (!Files.exists(cert) && !Files.exists(key)) {
            return write(dataDir, box, generator.generate());
        }
        String problem;
        try {
            Pems pems = new Pems(
                    Files.readString(cert), box.open(Files.readString(key).strip(), CONTEXT));
            check.check(pems);
            return pems;
        } catch (java.nio.file.NoSuchFileException e) {
            problem = "is missing " + e.getFile();
        } catch (IllegalStateException e) {
            problem = "has a key that does not open (" + e.getMessage() + ")";
        } catch (Exception e) {
            problem = "is broken (" + e.getMessage() + ")";
        }
        if (!regenerate) {
            throw new IllegalStateException("the egress CA in " + dataDir + " " + problem
                    + ". Restore " + CERT_FILE + " and " + KEY_FILE + " from a backup (with the secret key they were "
                    + "sealed with), or set NIGHTSHIFT_EGRESS_CA_REGENERATE=true to make a new CA: sandboxes "
                    + "created from then on trust only the new one");
        }
        return write(dataDir, box, generator.generate());
    }

    /** Re-seals the CA's key from one key to another (key rotation); false when there is no CA. */
    static boolean reseal(Path dataDir, SecretBox from, SecretBox to) {
        Path key = dataDir.resolve(KEY_FILE);
        if (!Files.exists(key)) {
            return false;
        }
        try {
            String sealed = Files.readString(key).strip();
            if (to.opens(sealed, CONTEXT)) {
                return true; // already re-sealed by an earlier run
            }
            writePrivate(key, to.seal(from.open(sealed, CONTEXT), CONTEXT));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("could not re-seal " + key, e);
        }
    }

    private static Pems write(Path dataDir, SecretBox box, Pems pems) {
        try {
            Files.createDirectories(dataDir);
            writePrivate(dataDir.resolve(KEY_FILE), box.seal(pems.privateKeyPem(), CONTEXT));
            Path temp = Files.createTempFile(dataDir, "ca", ".tmp");
            Files.writeString(temp, pems.certificatePem());
            Files.move(temp, dataDir.resolve(CERT_FILE), StandardCopyOption.REPLACE_EXISTING);
            return pems;
        } catch (IOException e) {
            throw new UncheckedIOException("could not store the egress CA in " + dataDir, e);
        }
    }

    /** Writes through a 0600 temporary file and a rename, so a crash leaves the old file or the new one. */
    private static void writePrivate(Path file, String content) throws IOException {
        Path temp = Files.createTempFile(
                file.getParent(),
                "ca-key",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, content + "\n");
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
