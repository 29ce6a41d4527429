package dev.nightshift.sandbox.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks one directory tree into a tar stream without following any symlink: the tree belongs to a
 * sandbox, so a link in it may point anywhere on the host.
 */
final class ArchiveWriter extends SimpleFileVisitor<Path> {
    private static final Logger log = LoggerFactory.getLogger(ArchiveWriter.class);
    private static final int COPY_BUFFER_BYTES = 64 * 1024;

    private final Path root;
    private final TarArchiveOutputStream tar;
    private final byte[] buffer = new byte[COPY_BUFFER_BYTES];
    private int files;
    private int directories;
    private int symlinks;
    private long contentBytes;
    private int skipped;

    ArchiveWriter(Path root, TarArchiveOutputStream tar) {
        this.root = root;
        this.tar = tar;
    }

    ArchiveStats stats() {
        return new ArchiveStats(files, directories, symlinks, contentBytes, skipped);
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(nameOf(dir) + "/", TarConstants.LF_DIR);
        describe(entry, dir, attrs.lastModifiedTime());
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
        directories++;
        return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isSymbolicLink()) {
            writeSymlink(file, attrs);
        } else if (attrs.isRegularFile()) {
            writeFile(file, attrs);
        } else {
            // sockets, fifos and devices mean nothing once the sandbox's processes are gone
            skipped++;
        }
        return FileVisitResult.CONTINUE;
    }

    private void writeSymlink(Path link, BasicFileAttributes attrs) throws IOException {
        String linkText = Files.readSymbolicLink(link).toString();
        Optional<String> refusal = EntryNames.linkRefusal(root, link, linkText);
        if (refusal.isPresent()) {
            // the extractor would refuse the whole archive for it; better to lose one link
            log.warn("leaving out of the snapshot: {}", refusal.get());
            skipped++;
            return;
        }
        TarArchiveEntry entry = new TarArchiveEntry(nameOf(link), TarConstants.LF_SYMLINK);
        entry.setLinkName(linkText);
        entry.setMode(Modes.PERMISSION_BITS);
        entry.setLastModifiedTime(attrs.lastModifiedTime());
        anonymise(entry);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
        symlinks++;
    }

    private void writeFile(Path file, BasicFileAttributes attrs) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(nameOf(file), TarConstants.LF_NORMAL);
        describe(entry, file, attrs.lastModifiedTime());
        long size = attrs.size();
        entry.setSize(size);
        tar.putArchiveEntry(entry);
        // NOFOLLOW_LINKS: if the file was swapped for a link since the walk saw it, fail, never read the link's target
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            long remaining = size;
            while (remaining > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n < 0) {
                    throw new IOException(
                            file + " shrank while it was archived; stop the sandbox's processes before a snapshot");
                }
                tar.write(buffer, 0, n);
                remaining -= n;
            }
        }
        tar.closeArchiveEntry();
        files++;
        contentBytes += size;
    }

    private void describe(TarArchiveEntry entry, Path path, FileTime modified) throws IOException {
        int mode = Modes.toBits(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
        entry.setMode(mode);
        entry.setLastModifiedTime(modified);
        anonymise(entry);
    }

    /** Owners are not restored (everything belongs to the control plane's user), so none are stored. */
    private static void anonymise(TarArchiveEntry entry) {
        entry.setUserName("");
        entry.setGroupName("");
        entry.setUserId(0);
        entry.setGroupId(0);
    }

    private String nameOf(Path path) {
        StringBuilder name = new StringBuilder();
        for (Path part : root.relativize(path)) {
            if (!name.isEmpty()) {
                name.append('/');
            }
            name.append(part);
        }
        return name.toString();
    }
}
