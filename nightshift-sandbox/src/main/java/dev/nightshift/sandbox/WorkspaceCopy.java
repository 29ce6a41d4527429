package dev.nightshift.sandbox;

import dev.nightshift.core.sandbox.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Copies a running sandbox's workspace on the host, for a fork: {@code cp -a} (copy-on-write where the
 * file system offers it), which never follows a symbolic link, never reads a FIFO or device and keeps
 * hard links among the copied files. The source keeps running; a file it deletes while the copy runs is
 * simply not copied. Called on the forking thread.
 */
final class WorkspaceCopy {
    private WorkspaceCopy() {}

    /** Copies the directory {@code from} to {@code to}, which must not exist yet. */
    static void copy(Path from, Path to) {
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            throw new SandboxException("the workspace to copy is gone (" + from.getFileName() + ")");
        }
        try {
            Process cp = new ProcessBuilder(
                            List.of("/bin/cp", "-a", "--reflink=auto", "--", from.toString(), to.toString()))
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            String out = new String(cp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = cp.waitFor();
            if (exit != 0 && !onlyVanished(out)) {
                throw new SandboxException("could not copy the workspace: " + out.strip());
            }
            if (!Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) {
                throw new SandboxException("could not copy the workspace: " + out.strip());
            }
        } catch (IOException e) {
            throw new SandboxException("could not copy the workspace: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while copying the workspace", e);
        }
    }

    /** cp's complaints are all about files the running source removed while it copied. */
    static boolean onlyVanished(String output) {
        return !output.isBlank()
                && output.lines().filter(l -> !l.isBlank()).allMatch(l -> l.endsWith("No such file or directory"));
    }
}
