package dev.nightshift.sandbox.archive;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.nightshift.core.sandbox.SandboxException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The snapshot format of a hibernated sandbox: a tar stream (POSIX long names and big numbers)
 * compressed with zstd, holding a few top-level directories such as {@code workspace} and
 * {@code home}. Regular files, directories and symlinks (as links) are kept with their permission
 * bits and modification times; owners are not.
 *
 * <p>An archive comes from a sandbox and is therefore hostile: {@link #extract} trusts nothing in
 * it, and {@link #write} follows no link in the tree it walks.
 */
public final class SnapshotArchive {
    /** zstd's default level: fast enough that hibernation waits on the disk, not the CPU. */
    static final int ZSTD_LEVEL = 3;
    /** zstd compresses on this many background threads; more would starve the control plane. */
    static final int ZSTD_WORKERS = Math.min(2, Runtime.getRuntime().availableProcessors());

    static final String NAME_ENCODING = "UTF-8";
    private static final int STREAM_BUFFER_BYTES = 64 * 1024;

    private SnapshotArchive() {}

    /**
     * Writes {@code root/<dir>} for each of {@code topLevelDirs} to {@code out} as tar + zstd.
     * Symlinks are stored as links, never followed; sockets, fifos and devices are left out, and
     * so are symlinks that {@link #extract} would refuse (absolute targets, or targets leading
     * outside the archive): one lost link is better than a snapshot that cannot be restored.
     * A named directory that does not exist is left out too.
     *
     * <p>The sandbox's processes must be stopped: a file that changes size while it is read
     * fails the snapshot. {@code out} is flushed, not closed.
     *
     * @param root the directory holding the top-level directories
     * @param topLevelDirs plain names of directories directly under {@code root}
     * @throws IOException if a file cannot be read or {@code out} cannot be written
     */
    public static ArchiveStats write(Path root, List<String> topLevelDirs, OutputStream out) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        for (String dir : topLevelDirs) {
            if (dir.isEmpty() || dir.contains("/") || dir.equals(".") || dir.equals("..")) {
                throw new IllegalArgumentException(
                        "snapshot directories must be plain names under the root, got \"" + dir + '"');
            }
        }
        ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(out, ZSTD_LEVEL);
        try {
            zstd.setChecksum(true);
            zstd.setWorkers(ZSTD_WORKERS);
            BufferedOutputStream buffered = new BufferedOutputStream(zstd, STREAM_BUFFER_BYTES);
            TarArchiveOutputStream tar = new TarArchiveOutputStream(buffered, NAME_ENCODING);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            ArchiveWriter writer = new ArchiveWriter(base, tar);
            for (String dir : topLevelDirs) {
                writeTree(base.resolve(dir), writer);
            }
            tar.finish();
            buffered.flush();
            zstd.closeWithoutClosingParentStream();
            out.flush();
            return writer.stats();
        } finally {
            // releases the native compressor if anything above failed; a no-op after the close
            zstd.closeWithoutClosingParentStream();
        }
    }

    private static void writeTree(Path dir, ArchiveWriter writer) throws IOException {
        if (Files.notExists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new SandboxException(dir + " is not a directory (a symlink or a file); cannot snapshot it");
        }
        // no FOLLOW_LINKS: links are visited as files and stored as links
        Files.walkFileTree(dir, Set.of(), Integer.MAX_VALUE, writer);
    }

    /**
     * Extracts an archive written by {@link #write} into {@code target}, which must be empty or
     * not exist yet. The archive is treated as hostile: an entry with an absolute name or a
     * {@code ..} segment, a hard link, a device or fifo, a symlink with an absolute target or one
     * that leads outside {@code target}, anything that would be written through a symlink or over
     * an earlier entry, more than {@code maxEntries} entries, more than {@code maxTotalBytes} bytes
     * of content, oversized headers, or a stream that is not intact tar + zstd: each makes it
     * throw a {@link SandboxException} saying which, after removing what it had written inside
     * {@code target}. Nothing is ever written outside {@code target}.
     *
     * <p>Permission bits (without setuid, setgid and sticky; always readable and writable by the
     * owner, so the control plane can snapshot and delete them again) and modification times are
     * restored. {@code in} is read to the end of the zstd frame and not closed.
     *
     * @throws SandboxException if the archive is refused or unreadable
     * @throws IOException if {@code target} cannot be written
     */
    public static ArchiveStats extract(InputStream in, Path target, long maxTotalBytes, int maxEntries)
            throws IOException {
        if (maxTotalBytes < 0 || maxEntries < 0) {
            throw new IllegalArgumentException(
                    "snapshot limits must not be negative: " + maxTotalBytes + " bytes, " + maxEntries + " entries");
        }
        Path base = target.toAbsolutePath().normalize();
        prepareEmptyTarget(base);
        ZstdInputStreamNoFinalizer zstd;
        try {
            zstd = new ZstdInputStreamNoFinalizer(
                    new BufferedInputStream(new NonClosingInputStream(in), STREAM_BUFFER_BYTES));
        } catch (IOException e) {
            throw unreadable(e);
        }
        try (zstd) {
            BudgetedInputStream budgeted = new BudgetedInputStream(new BufferedInputStream(zstd, STREAM_BUFFER_BYTES));
            return new ArchiveExtractor(budgeted, base, maxTotalBytes, maxEntries).extractAll();
        } catch (IOException | RuntimeException e) {
            removeContents(base, e);
            throw e;
        }
    }

    private static void prepareEmptyTarget(Path target) throws IOException {
        Files.createDirectories(target);
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new SandboxException(target + " is not a directory; cannot restore a snapshot into it");
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(target)) {
            if (children.iterator().hasNext()) {
                throw new SandboxException(
                        target + " is not empty; a snapshot is only restored into an empty directory");
            }
        }
    }

    /**
     * Best effort: deletes everything under {@code target} without following links, keeps
     * {@code target}. Restored directories always keep the owner's rwx bits, so this works.
     */
    private static void removeContents(Path target, Exception cause) {
        try {
            Files.walkFileTree(target, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (!dir.equals(target)) {
                        Files.delete(dir);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    static SandboxException refused(String why) {
        return new SandboxException("refusing the snapshot archive: " + why + "; nothing was restored");
    }

    static SandboxException unreadable(Exception cause) {
        return new SandboxException(
                "the snapshot archive is not an intact tar + zstd stream (" + cause.getMessage()
                        + "); nothing was restored",
                cause);
    }

    /** The caller owns the stream it passed; closing the decompressor must not close it. */
    private static final class NonClosingInputStream extends FilterInputStream {
        NonClosingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() {}
    }
}
