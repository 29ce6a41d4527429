package dev.nightshift.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps a command's output within a byte budget: the first half and the newest half, so a
 * context window sees how it started and how it ended. Counts what it dropped.
 */
final class OutputCapture {
    private final int headLimit;
    private final int tailLimit;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private final byte[] tail;
    private int tailStart;
    private int tailSize;
    private long dropped;

    OutputCapture(long budgetBytes) {
        int budget = (int) Math.min(Integer.MAX_VALUE - 8, budgetBytes);
        this.headLimit = budget / 2;
        this.tailLimit = budget - headLimit;
        this.tail = new byte[tailLimit];
    }

    synchronized void add(byte[] data, int length) {
        int offset = 0;
        int headRoom = headLimit - head.size();
        if (headRoom > 0) {
            int n = Math.min(headRoom, length);
            head.write(data, 0, n);
            offset = n;
        }
        for (int i = offset; i < length; i++) {
            if (tailSize == tailLimit) {
                tailStart = (tailStart + 1) % tailLimit;
                tailSize--;
                dropped++;
            }
            tail[(tailStart + tailSize) % tailLimit] = data[i];
            tailSize++;
        }
    }

    synchronized long dropped() {
        return dropped;
    }

    synchronized String text() {
        byte[] out = new byte[head.size() + tailSize];
        System.arraycopy(head.toByteArray(), 0, out, 0, head.size());
        for (int i = 0; i < tailSize; i++) {
            out[head.size() + i] = tail[(tailStart + i) % tailLimit];
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (dropped == 0) {
            return text;
        }
        String headText = new String(head.toByteArray(), StandardCharsets.UTF_8);
        return headText + "\n[… " + dropped + " bytes of output omitted …]\n" + text.substring(headText.length());
    }

    /** The newest {@code maxBytes} of what was kept, for a background process's log. */
    synchronized String newest(int maxBytes) {
        String all = text();
        return all.length() <= maxBytes ? all : all.substring(all.length() - maxBytes);
    }
}
