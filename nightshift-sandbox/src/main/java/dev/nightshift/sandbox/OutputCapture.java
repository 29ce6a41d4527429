package dev.nightshift.sandbox;

import java.nio.charset.StandardCharsets;

/**
 * Keeps a command's output within a byte budget: the first half and the newest half, so a
 * context window sees how it started and how it ended. Counts what it dropped.
 */
final class OutputCapture {
    private final byte[] head;
    private int headSize;
    private final byte[] tail;
    private int tailStart;
    private int tailSize;
    private long dropped;

    OutputCapture(long budgetBytes) {
        int budget = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(2, budgetBytes));
        this.head = new byte[budget / 2];
        this.tail = new byte[budget - budget / 2];
    }

    synchronized void add(byte[] data, int length) {
        int offset = 0;
        int toHead = Math.min(head.length - headSize, length);
        if (toHead > 0) {
            System.arraycopy(data, 0, head, headSize, toHead);
            headSize += toHead;
            offset = toHead;
        }
        int remaining = length - offset;
        if (remaining <= 0) {
            return;
        }
        if (remaining >= tail.length) {
            // the new data alone fills the tail: everything older in it is dropped
            dropped += tailSize + (remaining - tail.length);
            System.arraycopy(data, offset + remaining - tail.length, tail, 0, tail.length);
            tailStart = 0;
            tailSize = tail.length;
            return;
        }
        int overflow = Math.max(0, tailSize + remaining - tail.length);
        dropped += overflow;
        tailStart = (tailStart + overflow) % tail.length;
        tailSize -= overflow;
        int writeAt = (tailStart + tailSize) % tail.length;
        int first = Math.min(remaining, tail.length - writeAt);
        System.arraycopy(data, offset, tail, writeAt, first);
        System.arraycopy(data, offset + first, tail, 0, remaining - first);
        tailSize += remaining;
    }

    synchronized long dropped() {
        return dropped;
    }

    private byte[] tailBytes() {
        byte[] out = new byte[tailSize];
        int first = Math.min(tailSize, tail.length - tailStart);
        System.arraycopy(tail, tailStart, out, 0, first);
        System.arraycopy(tail, 0, out, first, tailSize - first);
        return out;
    }

    synchronized String text() {
        String headText = new String(head, 0, headSize, StandardCharsets.UTF_8);
        String tailText = new String(tailBytes(), StandardCharsets.UTF_8);
        return dropped == 0
                ? headText + tailText
                : headText + "\n[… " + dropped + " bytes of output omitted …]\n" + tailText;
    }

    /** The newest {@code maxBytes} of what was kept, for a background process's log. */
    synchronized String newest(int maxBytes) {
        String all = text();
        return all.length() <= maxBytes ? all : all.substring(all.length() - maxBytes);
    }
}
