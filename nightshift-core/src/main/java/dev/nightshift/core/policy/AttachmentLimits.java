package dev.nightshift.core.policy;

/**
 * How much may be attached to one prompt, each default defined here once.
 *
 * @param maxCount attachments per prompt
 * @param maxBytes bytes per attachment
 */
public record AttachmentLimits(int maxCount, long maxBytes) {
    public static final AttachmentLimits DEFAULTS = new AttachmentLimits(6, 10L << 20);

    /** What a multipart form adds around its fields and files (boundaries, part headers), generously. */
    static final long FORM_OVERHEAD_BYTES = 64L << 10;

    public AttachmentLimits {
        if (maxCount < 0) {
            throw new IllegalArgumentException("the most attachments per prompt cannot be negative");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("the largest attachment must be at least one byte");
        }
    }

    /**
     * The largest request that can carry a prompt of {@code maxPromptChars} characters and every
     * attachment allowed: a larger one is refused before its body is read.
     */
    public long maxRequestBytes(int maxPromptChars) {
        // a character is at most 4 bytes of UTF-8
        return maxCount * maxBytes + 4L * maxPromptChars + FORM_OVERHEAD_BYTES;
    }
}
