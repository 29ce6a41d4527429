package dev.nightshift.cli;

import java.io.PrintWriter;
import java.util.Map;

/**
 * Where a command writes and what it knows about its surroundings. The real one wraps
 * {@code System.out}/{@code System.err} and the process environment; tests pass their own so a
 * command runs in-process with captured output and chosen variables.
 *
 * @param out         results and the live stream
 * @param err         errors and notices, so {@code --json} output on {@code out} stays parseable
 * @param env         environment variables ({@code NIGHTSHIFT_*}, {@code NO_COLOR})
 * @param interactive whether {@code out} is a terminal: colours and the spinner only then
 */
public record Terminal(
        PrintWriter out, PrintWriter err, Map<String, String> env, boolean interactive, java.io.InputStream in) {
    public Terminal {
        env = Map.copyOf(env);
    }

    /** A terminal whose standard input is empty. */
    public Terminal(PrintWriter out, PrintWriter err, Map<String, String> env, boolean interactive) {
        this(out, err, env, interactive, java.io.InputStream.nullInputStream());
    }

    /** The process's own terminal. */
    public static Terminal system() {
        return new Terminal(
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                System.getenv(),
                attachedToTerminal(),
                System.in);
    }

    /**
     * Up to JDK 21 {@code System.console()} is null unless stdin and stdout are terminals; from 22 on
     * it exists when redirected too and {@code isTerminal()} (absent from the release-21 API, hence
     * reflection) tells.
     */
    private static boolean attachedToTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    public String env(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The wall clock, for "5 min ago" and elapsed times a person reads; the one place a command reads the time. */
    public java.time.Clock clock() {
        return java.time.Clock.systemDefaultZone();
    }

    /** Colours for human output: only on a terminal, and never when NO_COLOR is set (no-color.org). */
    public Ansi ansi() {
        return new Ansi(interactive && !env.containsKey("NO_COLOR"));
    }
}
