package dev.nightshift.server.auth;

import dev.nightshift.core.Secrets;
import dev.nightshift.core.model.TokenKind;
import dev.nightshift.core.model.User;
import dev.nightshift.core.port.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;

/**
 * Local single-user mode: an {@code admin} user whose login token is kept in
 * {@code <data dir>/admin-token} (mode 0600), so scripts and the CLI on this machine can use it.
 * The token survives restarts; a missing or revoked one is replaced.
 */
public final class LocalAdmin {
    public static final String LOGIN = "admin";
    public static final String TOKEN_FILE = "admin-token";

    private LocalAdmin() {}

    /** Ensures the admin user and a valid token in the token file; returns the token. */
    public static String ensure(Store store, Path dataDir, Clock clock) {
        User admin =
                store.users().byLogin(LOGIN).orElseGet(() -> store.users().create(LOGIN, "Administrator", null, true));
        Path file = dataDir.resolve(TOKEN_FILE);
        String existing = read(file);
        if (existing != null
                && store.tokens()
                        .findUsable(Secrets.hash(existing), clock.instant())
                        .filter(t -> admin.id().equals(t.userId()) && t.kind() == TokenKind.API)
                        .isPresent()) {
            return existing;
        }
        String secret = Secrets.newSecret("nsk");
        store.tokens().create(TokenKind.API, admin.id(), "local admin login", null, Secrets.hash(secret), null);
        write(file, secret);
        return secret;
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file)
                    ? Files.readString(file, StandardCharsets.UTF_8).trim()
                    : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void write(Path file, String secret) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin token to " + file, e);
        }
    }
}
