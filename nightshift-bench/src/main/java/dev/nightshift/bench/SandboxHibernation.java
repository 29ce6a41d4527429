package dev.nightshift.bench;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxProvider;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.sandbox.archive.SnapshotArchive;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Part 4 of the sandbox benchmark: hibernating a ~200 MiB workspace to an archive file and
 * restoring it, {@link #REPETITIONS} times, next to the same bytes archived with the {@code tar}
 * and {@code zstd} command-line tools (same level, all cores) from an identical copy.
 */
final class SandboxHibernation {
    static final int REPETITIONS = 3;
    static final int SOURCE_FILES = 3_200;
    static final int SOURCE_FILE_BYTES = 52_428; // 3,200 × 51.2 KiB = 160 MiB
    static final int BLOBS = 20;
    static final int BLOB_BYTES = 2 << 20; // 20 × 2 MiB = 40 MiB of incompressible bytes

    /**
     * Source-like text: lines of identifiers, calls, comments and indentation drawn from a pool
     * (so there is the repetition real code has), a fifth of them with a random hash appended.
     * Seeded: every run writes the same bytes.
     */
    static final String GENERATOR = """
            import os, random, sys
            files, size = int(sys.argv[1]), int(sys.argv[2])
            rnd = random.Random(42)
            syll = ["get","set","user","order","item","count","index","buffer","stream","config","value","node",
                    "parse","write","read","cache","event","session","token","limit","state","result","error",
                    "handle","apply","merge","build","query","table","row","key","map","list","path","file","name",
                    "time","size","next","prev"]
            words = sorted({"".join(rnd.choice(syll).capitalize() if i else rnd.choice(syll)
                                    for i in range(rnd.randint(1, 3))) for _ in range(4000)})
            kw = ["if","for","while","return","def","class","import","from","with","try","except","else","yield"]
            def line():
                k, w = rnd.random(), rnd.choice
                if k < 0.25: return f"{w(words)} = {w(words)}.{w(words)}({w(words)}, {rnd.randint(0, 9999)})"
                if k < 0.40: return f"if {w(words)} {w(['==', '!=', '<', '>='])} {w(words)}:"
                if k < 0.50: return f"return {w(words)}({w(words)}, {w(words)}={rnd.randint(0, 99)})"
                if k < 0.60: return "# " + " ".join(w(words) for _ in range(6))
                if k < 0.70: return f"def {w(words)}(self, {w(words)}, {w(words)}=None):"
                if k < 0.80: return f"self.{w(words)}.append({w(words)}[{rnd.randint(0, 99)}])"
                if k < 0.90: return f"for {w(words)} in {w(words)}.{w(words)}():"
                return f"{w(kw)} {w(words)}"
            pool = [" " * (4 * rnd.randint(0, 3)) + line() for _ in range(30000)]
            for i in range(files):
                d = f"src/pkg{i // 100:03d}"
                os.makedirs(d, exist_ok=True)
                out, n = [], 0
                while n < size:
                    l = pool[rnd.randrange(len(pool))]
                    if rnd.random() < 0.3:
                        l += f"  # {rnd.getrandbits(32):08x}"
                    out.append(l)
                    n += len(l) + 1
                with open(f"{d}/module_{i:04d}.py", "w") as f:
                    f.write("\\n".join(out)[:size])
            """;

    private SandboxHibernation() {}

    /** A memory file system, for how much of the floor's extraction is the disk. */
    static final Path TMPFS = Path.of("/dev/shm");

    private static void sync() throws IOException, InterruptedException {
        HostCommands.run(List.of("sync"));
    }

    @FunctionalInterface
    interface Timed {
        void run() throws Exception;
    }

    /**
     * Times one step after flushing the page cache with {@code sync} (untimed): a sandbox that
     * hibernates has been idle long enough for its writes to reach the disk.
     */
    static long time(Timed step) throws Exception {
        sync();
        long t0 = System.nanoTime();
        step.run();
        return System.nanoTime() - t0;
    }

    /** Times Nightshift's step and the floor's, in the given order; returns {nightshift, floor}. */
    static long[] pair(boolean nightshiftFirst, Timed nightshift, Timed floor) throws Exception {
        if (nightshiftFirst) {
            long a = time(nightshift);
            return new long[] {a, time(floor)};
        }
        long b = time(floor);
        return new long[] {time(nightshift), b};
    }

    /**
     * One repetition. {@code writeOnlyNs} and {@code extractOnlyNs} are {@link SnapshotArchive#write} and
     * {@link SnapshotArchive#extract} alone on the same content, the archive part of hibernate and restore.
     */
    record Rep(
            long hibernateNs,
            long restoreNs,
            long archiveBytes,
            long floorHibernateNs,
            long floorRestoreNs,
            long floorArchiveBytes,
            long deleteCopyNs,
            long writeOnlyNs,
            long extractOnlyNs,
            long tmpfsRestoreNs,
            boolean nightshiftFirst) {}

    record Result(long generateNs, long files, long bytes, long hostBytes, List<Rep> reps) {
        long median(java.util.function.ToLongFunction<Rep> f) {
            long[] v = reps.stream().mapToLong(f).sorted().toArray();
            return v[v.length / 2];
        }
    }

    static Result run(SandboxProvider provider, SandboxSpec spec, Path sandboxRoot, Path scratch, Consumer<String> say)
            throws Exception {
        Path floorSource = Files.createDirectories(scratch.resolve("floor-source"));
        Sandbox[] current = {provider.create(spec)}; // restore replaces it
        Sandbox sandbox = current[0];
        List<Rep> reps = new ArrayList<>();
        try {
            long g0 = System.nanoTime();
            ExecResult gen = sandbox.exec(
                    new ExecRequest(
                            List.of(
                                    "python3",
                                    "-c",
                                    GENERATOR,
                                    Integer.toString(SOURCE_FILES),
                                    Integer.toString(SOURCE_FILE_BYTES)),
                            "",
                            Map.of(),
                            Duration.ofMinutes(5)),
                    OutputListener.IGNORE);
            SandboxLatency.requireSuccess("generating the source files", gen);
            ExecResult blobs = sandbox.exec(
                    ExecRequest.shell("mkdir -p assets && for i in $(seq 1 " + BLOBS + "); do head -c " + BLOB_BYTES
                                    + " /dev/urandom > assets/blob_$i.bin || exit 1; done")
                            .withTimeout(Duration.ofMinutes(2)),
                    OutputListener.IGNORE);
            SandboxLatency.requireSuccess("writing the random blobs", blobs);
            long generateNs = System.nanoTime() - g0;
            Path dir = sandboxRoot.resolve(sandbox.id());
            HostCommands.Content content = HostCommands.content(dir.resolve("workspace"));
            HostCommands.Content home = HostCommands.content(dir.resolve("home"));
            say.accept(
                    "workspace filled inside the sandbox: " + content.files() + " files, " + Stats.mib(content.bytes())
                            + " in " + Stats.fmt(generateNs / 1e9, 1) + " s; copying it for the floor (cp -a)");
            HostCommands.run(List.of(
                    "cp",
                    "-a",
                    dir.resolve("workspace").toString(),
                    dir.resolve("home").toString(),
                    floorSource.toString()));
            HostCommands.Content copied = HostCommands.content(floorSource);
            if (copied.bytes() != content.bytes() + home.bytes()) {
                throw new IOException(
                        "the floor's copy holds " + copied.bytes() + " bytes, the sandbox " + content.bytes());
            }

            for (int rep = 1; rep <= REPETITIONS; rep++) {
                // odd repetitions time Nightshift first, even ones the floor: neither always gets the fresher disk
                boolean nightshiftFirst = rep % 2 == 1;
                String order = nightshiftFirst ? "Nightshift first" : "floor first";
                Path archive = scratch.resolve("nightshift-" + rep + ".tar.zst");
                Path floorArchive = scratch.resolve("floor-" + rep + ".tar.zst");
                Timed hibernate = () -> {
                    try (OutputStream out = new FileOutputStream(archive.toFile())) {
                        current[0].hibernate(out);
                    }
                };
                Timed floorHibernate = () -> HostCommands.bash(
                        "tar -C '" + floorSource + "' -cf - workspace home | zstd -3 -T0 -q -o '" + floorArchive + "'");
                long[] hib = pair(nightshiftFirst, hibernate, floorHibernate);
                long archiveBytes = Files.size(archive);
                long floorArchiveBytes = Files.size(floorArchive);
                say.accept("hibernate " + rep + "/" + REPETITIONS + " (" + order + "): " + Stats.mib(content.bytes())
                        + " written in " + Stats.fmt(hib[0] / 1e9, 2) + " s (" + Stats.mib(archiveBytes)
                        + " archive; floor "
                        + Stats.fmt(hib[1] / 1e9, 2) + " s)");

                Path writeOnly = scratch.resolve("write-only-" + rep + ".tar.zst");
                long writeOnlyNs = time(() -> {
                    try (OutputStream out = new FileOutputStream(writeOnly.toFile())) {
                        SnapshotArchive.write(floorSource, List.of("workspace", "home"), out);
                    }
                });
                Files.delete(writeOnly);

                Path floorDest = Files.createDirectories(scratch.resolve("floor-restored-" + rep));
                Timed restore = () -> {
                    try (InputStream in = new FileInputStream(archive.toFile())) {
                        current[0] = provider.restore(spec, in);
                    }
                };
                Timed floorRestore = () ->
                        HostCommands.bash("zstd -d -q -c '" + floorArchive + "' | tar -C '" + floorDest + "' -xf -");
                long[] res = pair(nightshiftFirst, restore, floorRestore);
                say.accept("restore " + rep + "/" + REPETITIONS + " (" + order + "): " + Stats.fmt(res[0] / 1e9, 2)
                        + " s (floor " + Stats.fmt(res[1] / 1e9, 2) + " s)");

                HostCommands.Content restored = HostCommands.content(
                        sandboxRoot.resolve(current[0].id()).resolve("workspace"));
                HostCommands.Content floorRestored = HostCommands.content(floorDest.resolve("workspace"));
                if (!restored.equals(content) || !floorRestored.equals(content)) {
                    throw new IOException("restore " + rep + " gave " + restored + " (floor " + floorRestored
                            + "), expected " + content);
                }
                ExecResult check = current[0].exec(
                        ExecRequest.shell("test -f src/pkg000/module_0000.py && test -s assets/blob_1.bin"),
                        OutputListener.IGNORE);
                SandboxLatency.requireSuccess("using the restored sandbox", check);

                Path extracted = scratch.resolve("extract-only-" + rep);
                long extractOnlyNs = time(() -> {
                    try (InputStream in = new FileInputStream(archive.toFile())) {
                        SnapshotArchive.extract(in, extracted, spec.limits().diskBytes(), 2_000_000);
                    }
                });
                HostCommands.deleteTree(extracted);
                long tmpfsNs = -1;
                if (Files.isDirectory(TMPFS) && Files.getFileStore(TMPFS).getUsableSpace() > 4 * content.bytes()) {
                    Path inMemory = Files.createTempDirectory(TMPFS, "nightshift-bench-");
                    try {
                        tmpfsNs = time(() -> HostCommands.bash(
                                "zstd -d -q -c '" + floorArchive + "' | tar -C '" + inMemory + "' -xf -"));
                    } finally {
                        HostCommands.deleteQuietly(inMemory);
                    }
                }
                long deleteNs = HostCommands.deleteTree(floorDest);
                Files.delete(archive);
                Files.delete(floorArchive);
                reps.add(new Rep(
                        hib[0],
                        res[0],
                        archiveBytes,
                        hib[1],
                        res[1],
                        floorArchiveBytes,
                        deleteNs,
                        writeOnlyNs,
                        extractOnlyNs,
                        tmpfsNs,
                        nightshiftFirst));
            }
            return new Result(generateNs, content.files(), content.bytes(), content.bytes() + home.bytes(), reps);
        } finally {
            current[0].destroy();
            HostCommands.deleteQuietly(floorSource);
        }
    }
}
