package dev.nightshift.server.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * What the bytes of a screenshot or video say they are, read by the control plane itself rather
 * than believed from the sandbox: a PNG's signature and the size its {@code IHDR} chunk gives, an
 * MP4's leading {@code ftyp} box and the length its movie header ({@code moov/mvhd}) gives. Pure
 * and bounded; safe on any thread.
 */
final class MediaFormats {
    /** The bytes read from the front of the content to recognise it. */
    static final int HEAD_BYTES = 33;

    static final int MAX_PIXELS_PER_SIDE = 32_768;
    /** The most of a {@code moov} box read to find its header (the rest is sample tables). */
    static final int MAX_MOOV_BYTES = 16 * 1024 * 1024;

    private static final int MAX_BOXES = 10_000;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private MediaFormats() {}

    /** A PNG's width and height. */
    record Size(int width, int height) {}

    /**
     * The size of a PNG from its first {@value #HEAD_BYTES} bytes.
     *
     * @throws IllegalArgumentException when the bytes are not a PNG, with what is wrong
     */
    static Size png(byte[] head) {
        if (head.length < HEAD_BYTES || !Arrays.equals(head, 0, 8, PNG_SIGNATURE, 0, 8)) {
            throw new IllegalArgumentException("the content is not a PNG image (no PNG signature)");
        }
        if (!"IHDR".equals(new String(head, 12, 4, StandardCharsets.ISO_8859_1)) || int32(head, 8) != 13) {
            throw new IllegalArgumentException("the content is not a PNG image (its first chunk is not IHDR)");
        }
        long width = int32(head, 16) & 0xFFFFFFFFL;
        long height = int32(head, 20) & 0xFFFFFFFFL;
        if (width == 0 || height == 0 || width > MAX_PIXELS_PER_SIDE || height > MAX_PIXELS_PER_SIDE) {
            throw new IllegalArgumentException("the PNG image is " + width + "×" + height
                    + " pixels; each side must be between 1 and " + MAX_PIXELS_PER_SIDE);
        }
        return new Size((int) width, (int) height);
    }

    /**
     * Checks that the content starts as an MP4 (ISO base media) file: an {@code ftyp} box first.
     *
     * @throws IllegalArgumentException when it does not
     */
    static void mp4(byte[] head) {
        if (head.length < 12 || !"ftyp".equals(new String(head, 4, 4, StandardCharsets.ISO_8859_1))) {
            throw new IllegalArgumentException("the content is not an MP4 video (it does not start with an ftyp box)");
        }
        long size = int32(head, 0) & 0xFFFFFFFFL;
        if (size != 1 && size < 16) {
            throw new IllegalArgumentException("the content is not an MP4 video (its ftyp box is too short)");
        }
    }

    /**
     * The length an MP4's movie header gives, walking the top-level boxes (skipping what is not
     * {@code moov}); empty when there is none or it does not say. Reads at most
     * {@value #MAX_MOOV_BYTES} bytes of {@code moov} into memory.
     */
    static OptionalLong mp4DurationMillis(InputStream in) throws IOException {
        for (int boxes = 0; boxes < MAX_BOXES; boxes++) {
            byte[] header = in.readNBytes(8);
            if (header.length < 8) {
                return OptionalLong.empty();
            }
            long size = int32(header, 0) & 0xFFFFFFFFL;
            String type = new String(header, 4, 4, StandardCharsets.ISO_8859_1);
            long headerBytes = 8;
            if (size == 1) {
                byte[] large = in.readNBytes(8);
                if (large.length < 8) {
                    return OptionalLong.empty();
                }
                size = int64(large, 0);
                headerBytes = 16;
            }
            long body = size == 0 ? Long.MAX_VALUE : size - headerBytes;
            if (body < 0) {
                return OptionalLong.empty();
            }
            if ("moov".equals(type)) {
                byte[] moov = in.readNBytes((int) Math.min(body, MAX_MOOV_BYTES));
                return mvhd(moov);
            }
            if (size == 0) {
                return OptionalLong.empty();
            }
            try {
                in.skipNBytes(body);
            } catch (java.io.EOFException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    /** The duration in the {@code mvhd} box among {@code moov}'s children. */
    private static OptionalLong mvhd(byte[] moov) {
        int at = 0;
        while (at + 8 <= moov.length) {
            long size = int32(moov, at) & 0xFFFFFFFFL;
            String type = new String(moov, at + 4, 4, StandardCharsets.ISO_8859_1);
            if (size < 8 || at + size > moov.length) {
                return OptionalLong.empty();
            }
            if ("mvhd".equals(type)) {
                int body = at + 8;
                int version = moov[body] & 0xFF;
                long timescale;
                long duration;
                if (version == 1 && body + 32 <= at + size) {
                    timescale = int32(moov, body + 20) & 0xFFFFFFFFL;
                    duration = int64(moov, body + 24);
                } else if (version == 0 && body + 20 <= at + size) {
                    timescale = int32(moov, body + 12) & 0xFFFFFFFFL;
                    duration = int32(moov, body + 16) & 0xFFFFFFFFL;
                    if (duration == 0xFFFFFFFFL) {
                        return OptionalLong.empty();
                    }
                } else {
                    return OptionalLong.empty();
                }
                if (timescale == 0 || duration < 0) {
                    return OptionalLong.empty();
                }
                return OptionalLong.of(java.math.BigInteger.valueOf(duration)
                        .multiply(java.math.BigInteger.valueOf(1000))
                        .divide(java.math.BigInteger.valueOf(timescale))
                        .min(java.math.BigInteger.valueOf(Long.MAX_VALUE))
                        .longValue());
            }
            at += (int) size;
        }
        return OptionalLong.empty();
    }

    private static int int32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static long int64(byte[] b, int at) {
        return ((long) int32(b, at) << 32) | (int32(b, at + 4) & 0xFFFFFFFFL);
    }
}
