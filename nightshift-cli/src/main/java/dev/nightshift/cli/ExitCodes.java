package dev.nightshift.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code nightshift} exits with; listed in every command's {@code --help}. */
public final class ExitCodes {
    private ExitCodes() {}

    public static final int OK = 0;
    /** The turn ended failed or stopped. */
    public static final int TURN_FAILED = 1;
    /** Bad command line (picocli's own code for usage errors). */
    public static final int USAGE = 2;
    /** No server answered at the address. */
    public static final int UNREACHABLE = 3;
    /** The server refused the token (401) or the action (403). */
    public static final int AUTH = 4;
    /** The server refused the request otherwise (unknown session, bad input, limits). */
    public static final int REFUSED = 5;
    /** A failure none of the other codes describe: a bug. EX_SOFTWARE of sysexits.h. */
    public static final int INTERNAL = 70;
    /** Ctrl-C: the client stopped following; the session goes on. 128 + SIGINT, as shells expect. */
    public static final int DETACHED = 130;

    /** For picocli's {@code exitCodeList}: code → meaning. */
    public static Map<String, String> described() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(" " + OK, "success (for run, attach and prompt --follow: the turn completed)");
        codes.put(" " + TURN_FAILED, "the turn failed or was stopped");
        codes.put(" " + USAGE, "bad command line");
        codes.put(" " + UNREACHABLE, "the server cannot be reached");
        codes.put(" " + AUTH, "the token is missing, wrong or revoked, or lacks the right");
        codes.put(" " + REFUSED, "the server refused the request (unknown session, bad input, limit)");
        codes.put(String.valueOf(INTERNAL), "unexpected internal error (please report it)");
        codes.put(String.valueOf(DETACHED), "Ctrl-C: stopped following; the session keeps running");
        return codes;
    }
}
