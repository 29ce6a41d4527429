package dev.nightshift.agent.browser;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * How two screenshots differ, computed in the control plane: the share of pixels that changed
 * (over the larger of the two sizes: what only one of them covers counts as changed) and an image
 * of the newer one, faded, with the changed pixels in red. Pure; any thread.
 */
final class ScreenshotDiff {
    /** The largest image compared, in pixels (a full-page screenshot can be tall). */
    static final long MAX_PIXELS = 40_000_000L;

    private static final int CHANGED = 0xffff0033;

    record Result(double changedRatio, long changedPixels, byte[] diffPng, int width, int height) {}

    private ScreenshotDiff() {}

    static Result compare(byte[] beforePng, byte[] afterPng) throws IOException {
        BufferedImage before = decode(beforePng);
        BufferedImage after = decode(afterPng);
        int width = Math.max(before.getWidth(), after.getWidth());
        int height = Math.max(before.getHeight(), after.getHeight());
        if ((long) width * height > MAX_PIXELS) {
            throw new IOException("the screenshots are too large to compare (over " + MAX_PIXELS + " pixels)");
        }
        BufferedImage diff = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        long changed = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean inBefore = x < before.getWidth() && y < before.getHeight();
                boolean inAfter = x < after.getWidth() && y < after.getHeight();
                int a = inAfter ? after.getRGB(x, y) : 0;
                if (!inBefore || !inAfter || (before.getRGB(x, y) & 0xffffff) != (a & 0xffffff)) {
                    changed++;
                    diff.setRGB(x, y, CHANGED);
                } else {
                    diff.setRGB(x, y, fade(a));
                }
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(diff, "png", png);
        return new Result((double) changed / ((long) width * height), changed, png.toByteArray(), width, height);
    }

    /** The colour three quarters of the way to white, so the red stands out. */
    private static int fade(int rgb) {
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        return 0xff000000 | ((r + 3 * 255) / 4) << 16 | ((g + 3 * 255) / 4) << 8 | ((b + 3 * 255) / 4);
    }

    static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        if (image == null) {
            throw new IOException("not an image");
        }
        return image;
    }

    /** The width and height a PNG's header states, without decoding it. */
    static int[] pngSize(byte[] png) throws IOException {
        if (png.length < 24 || png[0] != (byte) 0x89 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G') {
            throw new IOException("the browser's screenshot is not a PNG");
        }
        return new int[] {readInt(png, 16), readInt(png, 20)};
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
