package dev.nightshift.git;

import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;

/** Work branch names: {@code <initials>/<8 hex>} unless a person chose one, and git's rules for names. */
public final class BranchNames {
    private static final SecureRandom RANDOM = new SecureRandom();

    private BranchNames() {}

    /** A fresh name for a session's work branch, e.g. {@code al/3f9c01ab} for Ada Lovelace. */
    public static String generate(String displayName, String login) {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return initials(displayName, login) + "/" + HexFormat.of().formatHex(bytes);
    }

    /** Lower-case ASCII initials of a display name ("Ada Lovelace" → "al"), else of the login, else "ns". */
    static String initials(String displayName, String login) {
        String fromName = lettersOfWords(displayName);
        if (!fromName.isEmpty()) {
            return fromName;
        }
        String ascii = ascii(login);
        return ascii.isEmpty() ? "ns" : ascii.substring(0, Math.min(2, ascii.length()));
    }

    private static String lettersOfWords(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder initials = new StringBuilder();
        for (String word : name.trim().split("[\\s._-]+")) {
            String ascii = ascii(word);
            if (!ascii.isEmpty() && initials.length() < 3) {
                initials.append(ascii.charAt(0));
            }
        }
        return initials.toString();
    }

    private static String ascii(String text) {
        if (text == null) {
            return "";
        }
        return Normalizer.normalize(text, Normalizer.Form.NFD)
                .replaceAll("[^A-Za-z0-9]", "")
                .toLowerCase(Locale.ROOT);
    }

    /**
     * Why a branch name is not acceptable to git ({@code git check-ref-format} rules), or null when it is.
     * Checked before a name is stored, so a bad one is refused with a reason rather than failing a push later.
     */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "a branch name cannot be empty";
        }
        if (name.length() > 200) {
            return "a branch name can have at most 200 characters";
        }
        if (name.startsWith("-")
                || name.startsWith("/")
                || name.endsWith("/")
                || name.endsWith(".")
                || name.endsWith(".lock")
                || name.contains("..")
                || name.contains("//")
                || name.contains("@{")
                || name.equals("@")
                || name.contains("/.")
                || name.startsWith(".")) {
            return "'" + name + "' is not a valid git branch name";
        }
        for (char c : name.toCharArray()) {
            if (c < 0x20 || c == 0x7f || " ~^:?*[\\".indexOf(c) >= 0) {
                return "'" + name + "' is not a valid git branch name: it contains '"
                        + (c < 0x20 ? "\\x" + Integer.toHexString(c) : c) + "'";
            }
        }
        return null;
    }
}
