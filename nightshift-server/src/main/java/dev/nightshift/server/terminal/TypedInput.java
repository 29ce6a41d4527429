package dev.nightshift.server.terminal;

import java.util.ArrayList;
import java.util.List;

/**
 * What a member types in a terminal, batched for the session's log: a line at a time (flushed at
 * Enter), the rest when typing pauses ({@link #flush}, called by the terminal's timer) or when
 * {@link #MAX_CHARS} pile up, so a log is not one event per key. Keys are written readably: Enter
 * as a line end, arrows as {@code ↑↓→←}, other control keys as {@code ^C}, {@code ^D}, {@code ^?}
 * (backspace). Pure: no clock, no I/O. Not thread-safe: the terminal calls it under its own lock.
 */
final class TypedInput {
    /** At most this many characters in one event; more are flushed as they come. */
    static final int MAX_CHARS = 2000;

    private final StringBuilder pending = new StringBuilder();
    /** A Carriage Return was the last key: a following Line Feed belongs to the same Enter. */
    private boolean afterReturn;
    /** Bytes of an escape sequence not yet complete. */
    private final StringBuilder escape = new StringBuilder();

    /** Adds typed text; returns the batches it completed, oldest first. */
    List<String> add(String typed) {
        List<String> done = new ArrayList<>();
        for (int i = 0; i < typed.length(); i++) {
            char c = typed.charAt(i);
            if (!escape.isEmpty()) {
                escape.append(c);
                if (escapeComplete()) {
                    pending.append(readableEscape(escape.toString()));
                    escape.setLength(0);
                }
            } else if (c == '\r' || c == '\n') {
                if (!(c == '\n' && afterReturn)) {
                    pending.append('\n');
                    done.add(take());
                }
            } else if (c == 0x1b) {
                escape.append(c);
            } else if (c < 0x20) {
                pending.append('^').append((char) (c + 0x40));
            } else if (c == 0x7f) {
                pending.append("^?");
            } else {
                pending.append(c);
            }
            afterReturn = c == '\r';
            if (pending.length() >= MAX_CHARS) {
                done.add(take());
            }
        }
        return done;
    }

    /** What was typed since the last batch, if anything (a pause, or the terminal closing). */
    String flush() {
        if (!escape.isEmpty()) {
            pending.append(readableEscape(escape.toString()));
            escape.setLength(0);
        }
        return pending.isEmpty() ? null : take();
    }

    private String take() {
        String batch = pending.toString();
        pending.setLength(0);
        return batch;
    }

    /** ESC alone is complete only at a pause; ESC [ … ends at a final byte (@ to ~); ESC x is two keys. */
    private boolean escapeComplete() {
        int n = escape.length();
        if (n == 2) {
            char second = escape.charAt(1);
            return second != '[' && second != 'O';
        }
        char last = escape.charAt(n - 1);
        return (n >= 3 && last >= 0x40 && last <= 0x7e) || n >= 16;
    }

    private static String readableEscape(String sequence) {
        if (sequence.length() == 3 && (sequence.charAt(1) == '[' || sequence.charAt(1) == 'O')) {
            switch (sequence.charAt(2)) {
                case 'A' -> {
                    return "↑";
                }
                case 'B' -> {
                    return "↓";
                }
                case 'C' -> {
                    return "→";
                }
                case 'D' -> {
                    return "←";
                }
                default -> {}
            }
        }
        StringBuilder out = new StringBuilder("^[");
        for (int i = 1; i < sequence.length(); i++) {
            char c = sequence.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append('^').append(c == 0x7f ? '?' : (char) (c + 0x40));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
