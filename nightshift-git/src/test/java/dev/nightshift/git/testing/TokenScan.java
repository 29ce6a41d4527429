package dev.nightshift.git.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.Sandbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streams everything a sandbox can see (every file outside the host's read-only system directories,
 * and every process's environment and command line) out to the host, which looks for the secrets:
 * the secrets themselves never enter the sandbox to look for them.
 */
public final class TokenScan {
    private static final String SCRIPT = """
            cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null
            tar -c -f - --ignore-failed-read --exclude=./proc --exclude=./sys --exclude=./dev \
                --exclude=./usr --exclude=./lib --exclude=./lib64 --exclude=./bin --exclude=./sbin -C / . 2>/dev/null
            exit 0
            """;

    private TokenScan() {}

    /** The secrets found anywhere in the sandbox's view (empty: none). */
    public static List<String> find(Sandbox sandbox, List<String> secrets) throws InterruptedException {
        Set<String> found = new LinkedHashSet<>();
        int longest = secrets.stream().mapToInt(String::length).max().orElse(0);
        StringBuilder window = new StringBuilder();
        AtomicBoolean any = new AtomicBoolean();
        ExecResult r = sandbox.exec(
                new ExecRequest(List.of("bash", "-c", SCRIPT), "", Map.of(), Duration.ofMinutes(2)),
                (stream, chunk) -> {
                    synchronized (window) {
                        any.set(true);
                        window.append(new String(chunk, StandardCharsets.ISO_8859_1));
                        for (String secret : secrets) {
                            if (window.indexOf(secret) >= 0) {
                                found.add(secret);
                            }
                        }
                        if (window.length() > longest) {
                            window.delete(0, window.length() - longest);
                        }
                    }
                });
        assertThat(r.exitCode()).isZero();
        assertThat(any).as("the scan saw the sandbox's files").isTrue();
        return List.copyOf(found);
    }
}
