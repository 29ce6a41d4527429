package dev.nightshift.server.desktop;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The second lock on a viewer's door: reads the RFB (VNC) stream a viewer's browser sends and
 * passes on only what watching needs, dropping every input message (KeyEvent, PointerEvent,
 * ClientCutText, and the extensions that change the desktop). The view-only x11vnc behind it
 * already ignores input; this makes a viewer's input die in the control plane even if that server
 * were misconfigured. Anything it cannot parse ends the connection instead of being passed on.
 *
 * <p>One instance per connection, fed the client's bytes in order on that connection's message
 * thread; not thread-safe. Memory is bounded: at most one message (at most {@link #MAX_MESSAGE_BYTES})
 * is held while it is incomplete, and dropped cut text is skipped, not buffered.
 */
final class RfbInputFilter {
    /** The largest message kept whole (SetEncodings with a few hundred encodings fits easily). */
    static final int MAX_MESSAGE_BYTES = 8 * 1024;

    static final int SET_PIXEL_FORMAT = 0;
    static final int SET_ENCODINGS = 2;
    static final int FRAMEBUFFER_UPDATE_REQUEST = 3;
    static final int KEY_EVENT = 4;
    static final int POINTER_EVENT = 5;
    static final int CLIENT_CUT_TEXT = 6;
    static final int ENABLE_CONTINUOUS_UPDATES = 150;
    static final int CLIENT_FENCE = 248;
    static final int SET_DESKTOP_SIZE = 251;
    static final int XVP = 250;

    private static final int SECURITY_NONE = 1;

    /** Thrown for a stream this filter will not pass on; the connection is closed with its message. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private enum Phase {
        VERSION,
        SECURITY,
        CLIENT_INIT,
        MESSAGES
    }

    private Phase phase = Phase.VERSION;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long skipping;
    private int dropped;

    /** How many input messages were dropped so far. */
    int dropped() {
        return dropped;
    }

    /**
     * Takes the next bytes from the client.
     *
     * @return the bytes to pass on to the server (possibly none)
     * @throws Refused when the stream is not what a viewer's RFB 3.7/3.8 client without a password sends
     */
    byte[] accept(byte[] chunk) throws Refused {
        ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.length);
        int i = 0;
        while (i < chunk.length) {
            if (skipping > 0) {
                int n = (int) Math.min(skipping, chunk.length - i);
                skipping -= n;
                i += n;
                continue;
            }
            pending.write(chunk[i++]);
            byte[] message = pending.toByteArray();
            int need = needed(message);
            if (need > MAX_MESSAGE_BYTES) {
                throw new Refused("an RFB message of " + need + " bytes is over the " + MAX_MESSAGE_BYTES
                        + " byte limit for viewers");
            }
            if (need > 0 && message.length == need) {
                pending.reset();
                boolean handshake = phase != Phase.MESSAGES;
                phase = switch (phase) {
                    case VERSION -> Phase.SECURITY;
                    case SECURITY -> Phase.CLIENT_INIT;
                    case CLIENT_INIT, MESSAGES -> Phase.MESSAGES;
                };
                if (handshake || passes(message[0] & 0xff)) {
                    out.write(message, 0, message.length);
                } else {
                    dropped++;
                }
            } else if (need < 0) {
                // ClientCutText: its header is complete, its text is skipped as it streams by
                pending.reset();
                dropped++;
                skipping = -need;
            }
        }
        return out.toByteArray();
    }

    /**
     * The whole length of the message {@code m} begins, once its header says; 0 while that is not
     * known yet; minus the length of text to skip for a dropped ClientCutText whose header is complete.
     */
    private int needed(byte[] m) throws Refused {
        switch (phase) {
            case VERSION -> {
                if (m.length < 12) {
                    return 0;
                }
                String version = new String(m, 0, 12, StandardCharsets.US_ASCII);
                if (!version.equals("RFB 003.008\n") && !version.equals("RFB 003.007\n")) {
                    throw new Refused("unsupported RFB version from the client: " + version.strip());
                }
                return 12;
            }
            case SECURITY -> {
                if ((m[0] & 0xff) != SECURITY_NONE) {
                    throw new Refused("the desktop has no password; the client chose security type " + (m[0] & 0xff));
                }
                return 1;
            }
            case CLIENT_INIT -> {
                return 1;
            }
            default -> {
                return messageLength(m);
            }
        }
    }

    private static int messageLength(byte[] m) throws Refused {
        int type = m[0] & 0xff;
        return switch (type) {
            case SET_PIXEL_FORMAT -> 20;
            case SET_ENCODINGS -> m.length < 4 ? 0 : 4 + 4 * u16(m, 2);
            case FRAMEBUFFER_UPDATE_REQUEST, ENABLE_CONTINUOUS_UPDATES -> 10;
            case KEY_EVENT -> 8;
            case POINTER_EVENT -> 6;
            case CLIENT_CUT_TEXT -> {
                if (m.length < 8) {
                    yield 0;
                }
                // a negative length is the extended clipboard's; its size is the absolute value
                long length = Math.abs((long) s32(m, 4));
                if (length > Integer.MAX_VALUE) {
                    throw new Refused("a cut text of " + length + " bytes");
                }
                yield length == 0 ? 8 : (int) -length;
            }
            case CLIENT_FENCE -> m.length < 9 ? 0 : 9 + (m[8] & 0xff);
            case XVP -> 4;
            case SET_DESKTOP_SIZE -> m.length < 7 ? 0 : 8 + 16 * (m[6] & 0xff);
            default -> throw new Refused("RFB client message type " + type + " is not allowed for viewers");
        };
    }

    /** Watching passes; input and changes to the desktop do not. */
    private static boolean passes(int type) {
        return switch (type) {
            case KEY_EVENT, POINTER_EVENT, CLIENT_CUT_TEXT, SET_DESKTOP_SIZE, XVP -> false;
            default -> true;
        };
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static int s32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
