package dev.nightshift.core;

import java.security.SecureRandom;

/**
 * Identifiers: a readable prefix and 26 Crockford base32 characters (48 bits of milliseconds, then 80
 * random bits), so ids sort by creation time and say what they name ({@code ses_…}, {@code msg_…}).
 */
public final class Ids {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The id's time prefix only orders ids; it decides nothing, so the system clock is read here directly. */
    private static final java.time.Clock CLOCK = java.time.Clock.systemUTC();

    private Ids() {}

    public static String newId(String prefix) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long time = CLOCK.millis();
        StringBuilder out =
                new StringBuilder(prefix.length() + 27).append(prefix).append('_');
        for (int shift = 45; shift >= 0; shift -= 5) {
            out.append(ALPHABET[(int) (time >>> shift) & 31]);
        }
        // 80 random bits = 16 base32 characters
        long hi = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (random[i] & 0xff);
        }
        long lo = 0;
        for (int i = 5; i < 10; i++) {
            lo = (lo << 8) | (random[i] & 0xff);
        }
        for (int shift = 35; shift >= 0; shift -= 5) {
            out.append(ALPHABET[(int) (hi >>> shift) & 31]);
        }
        for (int shift = 35; shift >= 0; shift -= 5) {
            out.append(ALPHABET[(int) (lo >>> shift) & 31]);
        }
        return out.toString();
    }
}
