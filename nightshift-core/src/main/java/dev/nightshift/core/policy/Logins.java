package dev.nightshift.core.policy;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** Login names: what is valid, and the one a first sign-in gets. */
public final class Logins {
    /** Letters, digits, '.', '_' or '-', starting with a letter or digit, at most 100 characters. */
    public static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** Logins no sign-in may take, whatever the provider calls the account. */
    private static final java.util.Set<String> RESERVED =
            java.util.Set.of("admin", "administrator", "root", "system", "nightshift");

    private Logins() {}

    /**
     * The {@code attempt}-th login to try for a new account whose provider calls it {@code hint}:
     * the hint made valid (accents dropped, other characters as '-'), then {@code hint-2},
     * {@code hint-3}… on collision. A reserved name always gets a suffix, so an outside account
     * named {@code admin} can never look like the local administrator.
     *
     * @param attempt 1 for the first try
     */
    public static String candidate(String hint, int attempt) {
        String base = Normalizer.normalize(hint == null ? "" : hint, Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "")
                .replaceAll("[^A-Za-z0-9._-]", "-")
                .replaceAll("^[^A-Za-z0-9]+", "");
        if (base.isEmpty()) {
            base = "user";
        }
        if (base.length() > 90) {
            base = base.substring(0, 90);
        }
        int n = RESERVED.contains(base.toLowerCase(Locale.ROOT)) ? attempt + 1 : attempt;
        return n <= 1 ? base : base + "-" + n;
    }
}
