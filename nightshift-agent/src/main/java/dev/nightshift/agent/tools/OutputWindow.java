package dev.nightshift.agent.tools;

import dev.nightshift.core.sandbox.OutputListener;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A command's output (stdout and stderr in the order they arrived) cut for a context window: the
 * first and the last characters are kept and the middle is counted, so a build that prints a
 * million lines still shows how it started and how it ended. Each stream decodes its own UTF-8, so
 * a character split between two chunks arrives whole.
 */
final class OutputWindow implements OutputListener {
    private static final Pattern ANSI_ESCAPES = Pattern.compile("\u001B\\[[0-?]*[ -/]*[@-~]|\u001B][^\u0007]*\u0007");

    private final int headChars;
    private final int tailChars;
    private final StringBuilder head = new StringBuilder();
    private final StringBuilder tail = new StringBuilder();
    private final Map<Stream, CharsetDecoder> decoders = new EnumMap<>(Stream.class);
    private final Map<Stream, byte[]> leftovers = new EnumMap<>(Stream.class);
    private long totalChars;

    /** Keeps at most {@code maxChars}: half from the start, half from the end. */
    OutputWindow(int maxChars) {
        this.headChars = maxChars / 2;
        this.tailChars = maxChars - headChars;
        for (Stream s : Stream.values()) {
            decoders.put(
                    s,
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPLACE)
                            .onUnmappableCharacter(CodingErrorAction.REPLACE));
            leftovers.put(s, new byte[0]);
        }
    }

    @Override
    public synchronized void output(Stream stream, byte[] chunk) {
        byte[] before = leftovers.get(stream);
        ByteBuffer in = ByteBuffer.allocate(before.length + chunk.length)
                .put(before)
                .put(chunk)
                .flip();
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        decoders.get(stream).decode(in, out, false);
        byte[] rest = new byte[in.remaining()]; // a character cut between chunks waits for the next one
        in.get(rest);
        leftovers.put(stream, rest);
        append(out.flip());
    }

    private void append(CharSequence chars) {
        totalChars += chars.length();
        int intoHead = Math.min(chars.length(), headChars - head.length());
        head.append(chars, 0, intoHead);
        tail.append(chars, intoHead, chars.length());
        if (tail.length() > 2 * tailChars) { // trimmed in batches so appending stays linear
            tail.delete(0, tail.length() - tailChars);
        }
    }

    /** The output as the model sees it: whole when it fits, else head, a marker saying what was cut, tail. */
    synchronized String text() {
        for (Stream s : Stream.values()) {
            byte[] rest = leftovers.get(s);
            if (rest.length > 0) {
                CharBuffer out = CharBuffer.allocate(rest.length + 1);
                decoders.get(s).decode(ByteBuffer.wrap(rest), out, true);
                leftovers.put(s, new byte[0]);
                append(out.flip());
            }
        }
        String text;
        if (totalChars <= (long) headChars + tailChars) {
            text = head.toString() + tail;
        } else {
            String end = tail.substring(Math.max(0, tail.length() - tailChars));
            long cut = totalChars - head.length() - end.length();
            text = head + "\n\n… [" + cut + " characters of output cut here; the first " + head.length()
                    + " and the last " + end.length()
                    + " are shown. To see more, write the output to a file and grep or read it] …\n\n" + end;
        }
        return ANSI_ESCAPES.matcher(text).replaceAll("");
    }

    synchronized long totalChars() {
        return totalChars;
    }
}
