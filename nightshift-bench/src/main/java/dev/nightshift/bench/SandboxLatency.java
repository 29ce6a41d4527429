package dev.nightshift.bench;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxProvider;
import dev.nightshift.core.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Parts 1–3 of the sandbox benchmark: creating a sandbox up to its first command, a command's
 * round trip in a warm sandbox, and a 1 MiB file read and written through the sandbox; each
 * interleaved sample by sample with its floor, so drift on the machine hits both alike.
 */
final class SandboxLatency {
    static final int CREATE_WARMUP = 3;
    static final int CREATE_RUNS = 30;
    static final int EXEC_WARMUP = 20;
    static final int EXEC_RUNS = 200;
    static final int FILE_WARMUP = 5;
    static final int FILE_RUNS = 100;
    static final int FILE_BYTES = 1 << 20;
    static final String FILE_PATH = "bench/one-mib.bin";

    /** The floor of part 1: the least bubblewrap that runs a program in fresh PID and network namespaces. */
    static final List<String> RAW_BWRAP = List.of(
            "/usr/bin/bwrap",
            "--ro-bind",
            "/usr",
            "/usr",
            "--symlink",
            "usr/bin",
            "/bin",
            "--symlink",
            "usr/lib",
            "/lib",
            "--symlink",
            "usr/lib64",
            "/lib64",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--unshare-pid",
            "--unshare-net",
            "--die-with-parent");

    static final List<String> RAW_BWRAP_TRUE = concat(RAW_BWRAP, "/usr/bin/true");
    static final List<String> RAW_TRUE = List.of("/usr/bin/true");
    static final ExecRequest TRUE = new ExecRequest(List.of("true"), "", Map.of(), Duration.ofSeconds(30));

    private SandboxLatency() {}

    static List<String> concat(List<String> head, String... tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(List.of(tail));
        return List.copyOf(all);
    }

    /** Part 1. */
    record Create(Series toFirstExec, Series createOnly, Series firstExec, Series destroy, Series floor) {}

    static Create create(SandboxProvider provider, SandboxSpec spec, Consumer<String> say) throws Exception {
        long[] total = new long[CREATE_RUNS];
        long[] created = new long[CREATE_RUNS];
        long[] first = new long[CREATE_RUNS];
        long[] destroyed = new long[CREATE_RUNS];
        long[] floor = new long[CREATE_RUNS];
        for (int i = -CREATE_WARMUP; i < CREATE_RUNS; i++) {
            long f = HostCommands.spawnAndWait(RAW_BWRAP_TRUE);
            long t0 = System.nanoTime();
            Sandbox sandbox = provider.create(spec);
            long t1;
            long t2;
            try {
                t1 = System.nanoTime();
                ExecResult r = sandbox.exec(TRUE, OutputListener.IGNORE);
                t2 = System.nanoTime();
                requireSuccess("exec true in a new sandbox", r);
            } finally {
                long d0 = System.nanoTime();
                sandbox.destroy();
                if (i >= 0) {
                    destroyed[i] = System.nanoTime() - d0;
                }
            }
            if (i >= 0) {
                total[i] = t2 - t0;
                created[i] = t1 - t0;
                first[i] = t2 - t1;
                floor[i] = f;
            }
        }
        Create result = new Create(
                Series.of("create + first exec", total),
                Series.of("create() alone", created),
                Series.of("first exec(true)", first),
                Series.of("destroy()", destroyed),
                Series.of("raw bwrap true", floor));
        say.accept(
                "create to first exec: p50 " + Stats.fmtMs(result.toFirstExec().p50()) + " (floor "
                        + Stats.fmtMs(result.floor().p50()) + ")");
        return result;
    }

    /** Part 2. */
    record Exec(Series sandbox, Series floor) {}

    static Exec exec(Sandbox sandbox, Consumer<String> say) throws Exception {
        long[] inside = new long[EXEC_RUNS];
        long[] floor = new long[EXEC_RUNS];
        for (int i = -EXEC_WARMUP; i < EXEC_RUNS; i++) {
            long f = HostCommands.spawnAndWait(RAW_TRUE);
            long t0 = System.nanoTime();
            ExecResult r = sandbox.exec(TRUE, OutputListener.IGNORE);
            long took = System.nanoTime() - t0;
            requireSuccess("exec true", r);
            if (i >= 0) {
                inside[i] = took;
                floor[i] = f;
            }
        }
        Exec result = new Exec(Series.of("exec(true)", inside), Series.of("ProcessBuilder /usr/bin/true", floor));
        say.accept("exec true: p50 " + Stats.fmtMs(result.sandbox().p50()) + " (floor "
                + Stats.fmtMs(result.floor().p50()) + ")");
        return result;
    }

    /** Part 3. */
    /**
     * @param shortReads reads that returned something other than the file's bytes (they are timed all the same)
     * @param shortestRead the fewest bytes a read returned
     * @param badWrites writes after which the host file did not hold exactly the bytes written
     */
    record Files1MiB(
            Series read,
            Series readFloor,
            Series write,
            Series writeFloor,
            int shortReads,
            int shortestRead,
            int badWrites) {}

    static Files1MiB files(Sandbox sandbox, Path sandboxRoot, Path scratch, Consumer<String> say) throws Exception {
        byte[] content = new byte[FILE_BYTES];
        new Random(7).nextBytes(content);
        Path hostFile = sandboxRoot.resolve(sandbox.id()).resolve("workspace").resolve(FILE_PATH);
        Path floorFile = Files.createDirectories(scratch).resolve("one-mib.bin");
        int badWrites = 0;
        int shortReads = 0;
        int shortest = FILE_BYTES;
        long[] write = new long[FILE_RUNS];
        long[] writeFloor = new long[FILE_RUNS];
        for (int i = -FILE_WARMUP; i < FILE_RUNS; i++) {
            long t0 = System.nanoTime();
            sandbox.writeFile(FILE_PATH, content);
            long t1 = System.nanoTime();
            Files.write(floorFile, content);
            long t2 = System.nanoTime();
            if (!Arrays.equals(Files.readAllBytes(hostFile), content)) {
                badWrites++;
            }
            if (i >= 0) {
                write[i] = t1 - t0;
                writeFloor[i] = t2 - t1;
            }
        }
        long[] read = new long[FILE_RUNS];
        long[] readFloor = new long[FILE_RUNS];
        for (int i = -FILE_WARMUP; i < FILE_RUNS; i++) {
            long t0 = System.nanoTime();
            byte[] got = sandbox.readFile(FILE_PATH, 0, FILE_BYTES);
            long t1 = System.nanoTime();
            byte[] floor = Files.readAllBytes(hostFile);
            long t2 = System.nanoTime();
            if (!Arrays.equals(floor, content)) {
                throw new IOException("the host file changed under the benchmark");
            }
            if (!Arrays.equals(got, content)) {
                shortReads++;
                shortest = Math.min(shortest, got.length);
            }
            if (i >= 0) {
                read[i] = t1 - t0;
                readFloor[i] = t2 - t1;
            }
        }
        Files1MiB result = new Files1MiB(
                Series.of("readFile 1 MiB", read),
                Series.of("Files.readAllBytes", readFloor),
                Series.of("writeFile 1 MiB", write),
                Series.of("Files.write", writeFloor),
                shortReads,
                shortest,
                badWrites);
        say.accept("1 MiB read: p50 " + Stats.fmtMs(result.read().p50()) + " (floor "
                + Stats.fmtMs(result.readFloor().p50())
                + "), write: p50 " + Stats.fmtMs(result.write().p50()) + " (floor "
                + Stats.fmtMs(result.writeFloor().p50()) + ")"
                + (shortReads == 0
                        ? ""
                        : "; " + shortReads + " of " + (FILE_RUNS + FILE_WARMUP) + " reads came back SHORT (shortest "
                                + shortest + " bytes)")
                + (badWrites == 0 ? "" : "; " + badWrites + " writes left a wrong file"));
        return result;
    }

    static void requireSuccess(String what, ExecResult r) throws IOException {
        if (!r.succeeded()) {
            throw new IOException(what + " failed: exit " + r.exitCode() + (r.timedOut() ? " (timed out)" : "") + ": "
                    + r.stderr().strip());
        }
    }
}
