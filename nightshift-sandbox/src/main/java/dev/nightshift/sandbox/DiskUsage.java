package dev.nightshift.sandbox;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Bytes a sandbox's files take on the host. A walk that never follows links: a link to a big host
 * file costs nothing, and a cycle cannot trap it. (File systems without project quotas give
 * nothing better; RLIMIT_FSIZE bounds each single file meanwhile.)
 */
final class DiskUsage {
    private DiskUsage() {}

    static long of(List<Path> roots) {
        long[] total = {0};
        for (Path root : roots) {
            if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile()) {
                            total[0] += attrs.size();
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE; // vanished while walking: the sandbox is busy
                    }
                });
            } catch (IOException e) {
                // partial total: still a lower bound
            }
        }
        return total[0];
    }
}
