package dev.nightshift.core.policy;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * What may be attached to a prompt, decided before anything is stored: images (PNG, JPEG, GIF,
 * WebP, recognised by their first bytes, whatever they are called or declared as) and text (valid
 * UTF-8 without NUL bytes). A declared type outside these families is refused at once, and a file
 * declared as an image whose bytes are not one is refused too: a program renamed {@code .png}
 * stays out. Names become safe file names. Pure; any thread.
 */
public final class AttachmentRules {
    /** The media type every accepted text file is kept and served as. */
    public static final String TEXT = "text/plain";

    /** What is allowed, for the message of a refusal. */
    public static final String ALLOWED =
            "images (PNG, JPEG, GIF or WebP) and UTF-8 text files (such as .txt, .md, .json, .csv, .log or source code)";

    /** How many leading bytes {@link #imageType} needs. */
    public static final int SNIFF_BYTES = 12;

    static final int MAX_NAME_CHARS = 100;
    private static final int MAX_NAME_BYTES = 200;
    private static final int MAX_EXTENSION_CHARS = 12;

    private static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");
    private static final Set<String> TEXT_APPLICATION_TYPES = Set.of(
            "application/octet-stream",
            "application/json",
            "application/x-ndjson",
            "application/xml",
            "application/yaml",
            "application/x-yaml",
            "application/toml",
            "application/javascript",
            "application/x-javascript",
            "application/typescript",
            "application/x-typescript",
            "application/x-sh",
            "application/x-shellscript",
            "application/sql",
            "application/graphql",
            "application/csv",
            "application/x-httpd-php",
            "application/x-python",
            "application/x-ruby",
            "application/x-perl");

    private AttachmentRules() {}

    /** The decision on one file. */
    public sealed interface Verdict {}

    /** @param mediaType what the file is kept and served as */
    public record Accepted(String mediaType) implements Verdict {}

    /** @param reason why, as the end of a sentence about the file */
    public record Refused(String reason) implements Verdict {}

    /**
     * Whether a declared {@code Content-Type} may be attached at all: the image types above,
     * {@code text/*}, the common text formats sent as {@code application/…} (JSON, XML, YAML,
     * scripts), and {@code application/octet-stream} or nothing, which many clients send for a
     * file they do not know. Parameters ({@code ; charset=…}) do not matter.
     */
    public static boolean declarable(String declared) {
        String media = media(declared);
        if (media.isEmpty() || IMAGE_TYPES.contains(media) || media.equals("image/jpg")) {
            return true;
        }
        return media.startsWith("text/")
                || TEXT_APPLICATION_TYPES.contains(media)
                || (media.startsWith("application/") && (media.endsWith("+json") || media.endsWith("+xml")));
    }

    /** The image type the first bytes of a file show (PNG, JPEG, GIF, WebP), or null. */
    public static String imageType(byte[] head, int length) {
        if (startsWith(head, length, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "image/png";
        }
        if (startsWith(head, length, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (startsWith(head, length, 'G', 'I', 'F', '8', '7', 'a')
                || startsWith(head, length, 'G', 'I', 'F', '8', '9', 'a')) {
            return "image/gif";
        }
        if (length >= 12
                && startsWith(head, length, 'R', 'I', 'F', 'F')
                && head[8] == 'W'
                && head[9] == 'E'
                && head[10] == 'B'
                && head[11] == 'P') {
            return "image/webp";
        }
        return null;
    }

    /**
     * Decides on a file once it has been read.
     *
     * @param declared the type the client declared (null: none)
     * @param head the file's first bytes ({@link #SNIFF_BYTES} are enough)
     * @param text whether the whole file is UTF-8 text ({@link TextCheck})
     */
    public static Verdict check(String declared, byte[] head, int headLength, boolean text) {
        if (!declarable(declared)) {
            return new Refused("its type " + media(declared) + " is not taken");
        }
        String image = imageType(head, headLength);
        if (image != null) {
            return new Accepted(image);
        }
        if (media(declared).startsWith("image/")) {
            return new Refused("it is declared as " + media(declared) + " but is not a PNG, JPEG, GIF or WebP image");
        }
        if (text) {
            return new Accepted(TEXT);
        }
        return new Refused("it is neither an image nor UTF-8 text");
    }

    /**
     * A name that is safe as a file name in the workspace: the last part of what the client sent
     * (no directories), letters, digits, {@code .}, {@code -} and {@code _} only (anything else
     * becomes {@code _}), no leading dots and no {@code ..}, at most {@value #MAX_NAME_CHARS}
     * characters with its extension kept; an image without an extension gets its type's.
     */
    public static String safeName(String submitted, String mediaType) {
        String name = submitted == null ? "" : Normalizer.normalize(submitted, Normalizer.Form.NFC);
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder out = new StringBuilder();
        name.codePoints().forEach(c -> {
            boolean keep = Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_';
            char last = out.isEmpty() ? 0 : out.charAt(out.length() - 1);
            if (!keep) {
                if (last != '_') {
                    out.append('_');
                }
            } else if (c == '.' && (out.isEmpty() || last == '.')) {
                // no leading dot (a hidden file, "..") and no ".." anywhere
            } else {
                out.appendCodePoint(c);
            }
        });
        String safe = strip(out.toString());
        if (safe.isEmpty() || safe.equals("_")) {
            safe = "attachment";
        }
        int dot = safe.lastIndexOf('.');
        String stem = dot > 0 ? safe.substring(0, dot) : safe;
        String extension = dot > 0 ? safe.substring(dot) : "";
        if (extension.length() > MAX_EXTENSION_CHARS) {
            stem = safe;
            extension = "";
        }
        if (extension.isEmpty() && mediaType != null && mediaType.startsWith("image/")) {
            extension = "." + (mediaType.equals("image/jpeg") ? "jpg" : mediaType.substring("image/".length()));
        }
        return fit(stem, extension);
    }

    /** {@code name}, or {@code stem-2.ext}, {@code stem-3.ext} … when it is taken already. */
    public static String uniqueName(String name, Set<String> taken) {
        if (!taken.contains(name)) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        for (int n = 2; ; n++) {
            String candidate = fit(stem, "-" + n + extension);
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    /** The stem cut so that stem + suffix is at most {@value #MAX_NAME_CHARS} characters and 200 bytes. */
    private static String fit(String stem, String suffix) {
        String cut = stem;
        while (!cut.isEmpty()
                && ((cut + suffix).codePointCount(0, (cut + suffix).length()) > MAX_NAME_CHARS
                        || (cut + suffix).getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES)) {
            cut = cut.substring(0, cut.offsetByCodePoints(cut.length(), -1));
        }
        cut = strip(cut);
        return (cut.isEmpty() ? "attachment" : cut) + suffix;
    }

    private static String strip(String s) {
        int start = 0;
        while (start < s.length() && (s.charAt(start) == '_' || s.charAt(start) == '.')) {
            start++;
        }
        int end = s.length();
        while (end > start && (s.charAt(end - 1) == '_' || s.charAt(end - 1) == '.')) {
            end--;
        }
        return s.substring(start, end);
    }

    private static String media(String declared) {
        return declared == null ? "" : declared.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }

    private static boolean startsWith(byte[] head, int length, int... magic) {
        if (length < magic.length || head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a file is text, fed in chunks as it is read: well-formed UTF-8 (no overlong forms,
     * no surrogates, nothing past U+10FFFF) with no NUL byte. Not thread-safe; one per file.
     */
    public static final class TextCheck {
        private boolean valid = true;
        private int need;
        private int low = 0x80;
        private int high = 0xBF;

        public void feed(byte[] bytes, int offset, int length) {
            for (int i = offset; i < offset + length && valid; i++) {
                int b = bytes[i] & 0xFF;
                if (need > 0) {
                    if (b < low || b > high) {
                        valid = false;
                    }
                    low = 0x80;
                    high = 0xBF;
                    need--;
                } else if (b == 0) {
                    valid = false;
                } else if (b < 0x80) {
                    // ASCII
                } else if (b >= 0xC2 && b <= 0xDF) {
                    need = 1;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    need = 2;
                    low = b == 0xE0 ? 0xA0 : 0x80;
                    high = b == 0xED ? 0x9F : 0xBF;
                } else if (b >= 0xF0 && b <= 0xF4) {
                    need = 3;
                    low = b == 0xF0 ? 0x90 : 0x80;
                    high = b == 0xF4 ? 0x8F : 0xBF;
                } else {
                    valid = false;
                }
            }
        }

        /** True when everything fed was text and no character was left unfinished. */
        public boolean text() {
            return valid && need == 0;
        }
    }
}
