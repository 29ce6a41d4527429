package dev.nightshift.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Host-side helpers of the sandbox benchmark: running floor commands and handling directory trees. */
final class HostCommands {
    private HostCommands() {}

    /** Runs a command on the host to its end; throws with its output if it fails. */
    static String run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", argv));
        }
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + " from " + String.join(" ", argv) + ": " + out.strip());
        }
        return out;
    }

    /** A bash script on the host, with pipefail so a failing stage of a pipe fails the whole. */
    static String bash(String script) throws IOException, InterruptedException {
        return run(List.of("/bin/bash", "-c", "set -o pipefail; " + script));
    }

    /** Starts {@code argv} with default pipes, waits for it and returns the nanoseconds that took. */
    static long spawnAndWait(List<String> argv) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(argv).start();
        int exit = p.waitFor();
        long took = System.nanoTime() - t0;
        if (exit != 0) {
            String err = new String(p.getErrorStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
            close(p);
            throw new IOException(
                    "exit " + exit + " from " + String.join(" ", argv) + (err.isEmpty() ? "" : ": " + err));
        }
        close(p);
        return took;
    }

    static void close(Process p) {
        try {
            p.getOutputStream().close();
            p.getInputStream().close();
            p.getErrorStream().close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }

    /** Regular files and their total size under {@code dir}, links not followed. */
    record Content(long files, long bytes) {}

    static Content content(Path dir) throws IOException {
        long[] acc = new long[2];
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    acc[0]++;
                    acc[1] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return new Content(acc[0], acc[1]);
    }

    /** Deletes a tree without following links; returns the nanoseconds it took. */
    static long deleteTree(Path dir) throws IOException {
        long t0 = System.nanoTime();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
        return System.nanoTime() - t0;
    }

    static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e);
        }
    }
}
