package dev.nightshift.server.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets (git tokens, SSH keys, OAuth tokens) with AES-256-GCM before they reach the
 * database. The key comes from the operator ({@code NIGHTSHIFT_SECRET_KEY}, base64 of 32 bytes)
 * or, in local mode, from a key file generated at first start. The {@code context} (owner and
 * host) is bound as associated data, so a sealed value copied onto another row does not open.
 */
public final class SecretBox {
    public static final String KEY_FILE = "secret.key";
    private static final String VERSION = "v1:";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    SecretBox(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("the secret key must be " + KEY_BYTES
                    + " bytes (base64 of 32 random bytes, e.g. " + "`openssl rand -base64 32`), got " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The operator's key when set, else the data directory's key file (created, 0600, when missing). */
    public static SecretBox open(String configuredKey, Path dataDir) {
        if (configuredKey != null && !configuredKey.isBlank()) {
            try {
                return new SecretBox(Base64.getDecoder().decode(configuredKey.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("NIGHTSHIFT_SECRET_KEY: " + e.getMessage());
            }
        }
        Path file = dataDir.resolve(KEY_FILE);
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[KEY_BYTES];
                RANDOM.nextBytes(fresh);
                Path temp = Files.createTempFile(
                        dataDir,
                        "secret",
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temp, Base64.getEncoder().encodeToString(fresh) + "\n");
                try {
                    Files.move(temp, file); // no replace: a concurrent first start keeps whichever key won
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    Files.delete(temp);
                }
            }
            return new SecretBox(
                    Base64.getDecoder().decode(Files.readString(file).strip()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or create the secret key file " + file, e);
        }
    }

    /** A key given as base64 of 32 bytes (the form of {@code NIGHTSHIFT_SECRET_KEY} and of the key file). */
    public static SecretBox ofBase64(String key) {
        try {
            return new SecretBox(Base64.getDecoder().decode(key.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the secret key is not base64 of 32 bytes: " + e.getMessage());
        }
    }

    /**
     * 32 bytes derived from the key for one purpose (SHA-256 of the purpose and the key): a
     * per-deployment value every node sharing the key agrees on, without storing it.
     */
    public byte[] derive(String purpose) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(purpose.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(key.getEncoded());
            return sha.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    /** Whether {@code sealed} opens with this key and context (key rotation skips what is already re-sealed). */
    public boolean opens(String sealed, String context) {
        try {
            open(sealed, context);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    public String seal(String plaintext, String context) {
        if (plaintext == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return VERSION + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** Opens a sealed value; fails when the key, the context or a single byte differs. */
    public String open(String sealed, String context) {
        if (sealed == null) {
            return null;
        }
        if (!sealed.startsWith(VERSION)) {
            throw new IllegalStateException("a stored secret has an unknown format");
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "a stored secret could not be opened: was NIGHTSHIFT_SECRET_KEY changed?", e);
        }
    }
}
