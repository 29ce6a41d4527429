package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code nightshift …} in-process, as a user would type it, with captured stdout and stderr. */
final class Cli {
    record Result(int exitCode, String out, String err) {
        /** stdout as one JSON document. */
        JsonNode json() {
            try {
                return NightshiftApi.JSON.readTree(out);
            } catch (java.io.IOException e) {
                throw new AssertionError("stdout is not one JSON document: " + out, e);
            }
        }

        /** stdout as one JSON object per line. */
        List<JsonNode> jsonLines() {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    lines.add(NightshiftApi.JSON.readTree(line));
                } catch (java.io.IOException e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
            }
            return lines;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private final Map<String, String> env;
    private final boolean interactive;

    private Cli(Map<String, String> env, boolean interactive) {
        this.env = env;
        this.interactive = interactive;
    }

    /** A client of {@code serverUrl} using {@code token}, both from the environment as a user would set them. */
    static Cli of(String serverUrl, String token) {
        Map<String, String> env = new HashMap<>();
        env.put(ServerOptions.SERVER_ENV, serverUrl);
        env.put(ServerOptions.TOKEN_ENV, token);
        return new Cli(env, false);
    }

    /** A client with exactly these environment variables. */
    static Cli withEnv(Map<String, String> env) {
        return new Cli(new HashMap<>(env), false);
    }

    /** The same client on a terminal (stdout a TTY). */
    Cli onTerminal() {
        return new Cli(env, true);
    }

    Cli with(String variable, String value) {
        Map<String, String> more = new HashMap<>(env);
        more.put(variable, value);
        return new Cli(more, interactive);
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        return run(out, err, args);
    }

    /** Runs with {@code input} on standard input. */
    Result runWithInput(String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                env,
                interactive,
                new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        int code = NightshiftCli.commandLine(terminal).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Result run(StringWriter out, StringWriter err, String... args) {
        Terminal terminal = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), env, interactive);
        int code = NightshiftCli.commandLine(terminal).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** A command running in the background, whose output can be watched while it runs. */
    record Running(CompletableFuture<Result> result, StringWriter out) {
        Result await() throws Exception {
            return result.get(30, TimeUnit.SECONDS);
        }
    }

    Running start(String... args) {
        StringWriter out = new StringWriter(); // StringWriter synchronizes: safe to read while the command writes
        StringWriter err = new StringWriter();
        return new Running(CompletableFuture.supplyAsync(() -> run(out, err, args)), out);
    }
}
