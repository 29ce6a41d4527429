package dev.nightshift.sandbox.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Extracts a hostile tar stream into an empty directory, one checked entry at a time. Nothing is
 * ever created through a symlink, over an existing path, or outside the target.
 */
final class ArchiveExtractor {
    /**
     * Decompressed bytes a single entry's headers, padding and the end-of-archive blocks may take.
     * Our own archives need a few KiB (a PAX header for a long name); GNU long-name and PAX
     * records are held in memory by the tar library, so this is also what one entry can cost it.
     */
    static final long METADATA_BUDGET_BYTES = 1 << 20;

    /** The control plane must always be able to read, archive again and delete what it restored. */
    private static final int OWNER_FILE_BITS = 0600;

    private static final int OWNER_DIRECTORY_BITS = 0700;
    private static final int COPY_BUFFER_BYTES = 64 * 1024;

    private final Path target;
    private final long maxTotalBytes;
    private final int maxEntries;
    private final BudgetedInputStream budgeted;
    private final TarArchiveInputStream tar;
    private final List<DirectoryAttributes> directoryAttributes = new ArrayList<>();
    private final byte[] buffer = new byte[COPY_BUFFER_BYTES];
    private int entries;
    private int files;
    private int directories;
    private int symlinks;
    private long contentBytes;

    private record DirectoryAttributes(Path path, int mode, FileTime modified) {}

    ArchiveExtractor(BudgetedInputStream budgeted, Path target, long maxTotalBytes, int maxEntries) {
        this.budgeted = budgeted;
        this.target = target;
        this.maxTotalBytes = maxTotalBytes;
        this.maxEntries = maxEntries;
        this.tar = new TarArchiveInputStream(budgeted, SnapshotArchive.NAME_ENCODING);
    }

    ArchiveStats extractAll() throws IOException {
        TarArchiveEntry entry;
        while ((entry = nextEntry()) != null) {
            if (++entries > maxEntries) {
                throw SnapshotArchive.refused("it has more than " + maxEntries + " entries");
            }
            extract(entry);
        }
        drainTrailer();
        applyDirectoryAttributes();
        return new ArchiveStats(files, directories, symlinks, contentBytes, 0);
    }

    private void extract(TarArchiveEntry entry) throws IOException {
        String name = entry.getName();
        Path path = EntryNames.resolve(target, name);
        if (path.equals(target)) {
            if (entry.isDirectory()) {
                return; // "./": the target itself, already there
            }
            throw SnapshotArchive.refused("entry " + EntryNames.quoted(name) + " would replace the target directory");
        }
        if (entry.isLink()) {
            throw SnapshotArchive.refused("entry " + EntryNames.quoted(name) + " is a hard link");
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            throw SnapshotArchive.refused("entry " + EntryNames.quoted(name) + " is a device or fifo");
        }
        if (entry.isSparse() || !(entry.isDirectory() || entry.isSymbolicLink() || isRegularFile(entry))) {
            throw SnapshotArchive.refused("entry " + EntryNames.quoted(name) + " has an unsupported type '"
                    + (char) entry.getLinkFlag() + "'");
        }
        createParents(path, name);
        if (entry.isDirectory()) {
            createDirectory(path, name, entry);
        } else if (entry.isSymbolicLink()) {
            createSymlink(path, name, entry);
        } else {
            createFile(path, name, entry);
        }
    }

    private static boolean isRegularFile(TarArchiveEntry entry) {
        byte flag = entry.getLinkFlag();
        return flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM || flag == TarConstants.LF_CONTIG;
    }

    /**
     * Walks from the target down to the entry's parent: every component must be a real directory
     * (created here if missing), never a symlink an earlier entry made, so that {@code a -> /etc}
     * followed by {@code a/passwd} cannot write through the link.
     */
    private void createParents(Path path, String name) throws IOException {
        Path current = target;
        for (Path part : target.relativize(path.getParent())) {
            current = current.resolve(part);
            Optional<BasicFileAttributes> attrs = attributes(current);
            if (attrs.isEmpty()) {
                Files.createDirectory(current);
            } else if (attrs.get().isSymbolicLink()) {
                throw SnapshotArchive.refused(
                        "entry " + EntryNames.quoted(name) + " would be written through the symlink "
                                + EntryNames.quoted(target.relativize(current).toString()));
            } else if (!attrs.get().isDirectory()) {
                throw SnapshotArchive.refused("entry " + EntryNames.quoted(name) + " is inside "
                        + EntryNames.quoted(target.relativize(current).toString()) + ", which is not a directory");
            }
        }
    }

    private void createDirectory(Path path, String name, TarArchiveEntry entry) throws IOException {
        Optional<BasicFileAttributes> existing = attributes(path);
        if (existing.isEmpty()) {
            Files.createDirectory(path);
            directories++;
        } else if (!existing.get().isDirectory() || existing.get().isSymbolicLink()) {
            throw SnapshotArchive.refused(
                    "entry " + EntryNames.quoted(name) + " would replace an earlier entry with a directory");
        }
        // applied at the end: children would change the mtime, and a read-only mode would block them
        directoryAttributes.add(new DirectoryAttributes(path, entry.getMode(), entry.getLastModifiedTime()));
    }

    private void createSymlink(Path path, String name, TarArchiveEntry entry) throws IOException {
        String linkText = entry.getLinkName();
        Optional<String> refusal = EntryNames.linkRefusal(target, path, linkText);
        if (refusal.isPresent()) {
            throw SnapshotArchive.refused(refusal.get());
        }
        try {
            Files.createSymbolicLink(path, path.getFileSystem().getPath(linkText));
        } catch (FileAlreadyExistsException e) {
            throw SnapshotArchive.refused(
                    "entry " + EntryNames.quoted(name) + " would replace an earlier entry with a symlink");
        }
        setModified(path, entry.getLastModifiedTime());
        symlinks++;
    }

    private void createFile(Path path, String name, TarArchiveEntry entry) throws IOException {
        long size = entry.getSize();
        if (size < 0 || size > maxTotalBytes - contentBytes) {
            throw SnapshotArchive.refused("entry " + EntryNames.quoted(name) + " declares " + size
                    + " bytes, more than the " + maxTotalBytes + " bytes the whole archive may hold");
        }
        budgeted.allow(size + METADATA_BUDGET_BYTES);
        // CREATE_NEW refuses any existing path, a dangling symlink included, without following it
        try (OutputStream out = Files.newOutputStream(
                path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            long remaining = size;
            while (remaining > 0) {
                int n = readContent((int) Math.min(buffer.length, remaining), name);
                out.write(buffer, 0, n);
                remaining -= n;
            }
        } catch (FileAlreadyExistsException e) {
            throw SnapshotArchive.refused("entry " + EntryNames.quoted(name) + " would replace an earlier entry");
        }
        setMode(path, entry.getMode() | OWNER_FILE_BITS);
        setModified(path, entry.getLastModifiedTime());
        files++;
        contentBytes += size;
    }

    private int readContent(int length, String name) {
        try {
            int n = tar.read(buffer, 0, length);
            if (n <= 0) {
                throw SnapshotArchive.refused("entry " + EntryNames.quoted(name) + " is truncated");
            }
            return n;
        } catch (IOException e) {
            throw SnapshotArchive.unreadable(e);
        }
    }

    private TarArchiveEntry nextEntry() {
        budgeted.allow(METADATA_BUDGET_BYTES);
        try {
            return tar.getNextEntry();
        } catch (BudgetedInputStream.BudgetExceeded e) {
            throw SnapshotArchive.refused("an entry's headers are larger than " + METADATA_BUDGET_BYTES + " bytes");
        } catch (IOException | RuntimeException e) {
            // commons-compress reports some malformed headers as IllegalArgumentException
            throw SnapshotArchive.unreadable(e);
        }
    }

    /**
     * Reads past the end-of-archive blocks to the end of the zstd frame, so that a truncated or
     * corrupted stream fails its checksum here instead of passing for a shorter archive.
     */
    private void drainTrailer() {
        budgeted.allow(METADATA_BUDGET_BYTES);
        try {
            while (budgeted.read(buffer, 0, buffer.length) >= 0) {
                // padding after the end-of-archive blocks
            }
        } catch (BudgetedInputStream.BudgetExceeded e) {
            throw SnapshotArchive.refused("it has more than " + METADATA_BUDGET_BYTES + " bytes after its last entry");
        } catch (IOException e) {
            throw SnapshotArchive.unreadable(e);
        }
    }

    private void applyDirectoryAttributes() throws IOException {
        directoryAttributes.sort(
                Comparator.comparingInt((DirectoryAttributes d) -> d.path().getNameCount())
                        .reversed());
        for (DirectoryAttributes directory : directoryAttributes) {
            setMode(directory.path(), directory.mode() | OWNER_DIRECTORY_BITS);
            setModified(directory.path(), directory.modified());
        }
    }

    private static void setMode(Path path, int mode) throws IOException {
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setPermissions(Modes.fromBits(mode & Modes.PERMISSION_BITS));
    }

    private static void setModified(Path path, FileTime modified) throws IOException {
        Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(modified, null, null);
    }

    private static Optional<BasicFileAttributes> attributes(Path path) throws IOException {
        try {
            return Optional.of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
