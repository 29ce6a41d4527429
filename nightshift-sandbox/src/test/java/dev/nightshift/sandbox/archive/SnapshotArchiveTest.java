package dev.nightshift.sandbox.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import dev.nightshift.core.sandbox.SandboxException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotArchiveTest {
    private static final long MAX_BYTES = 64L << 20;
    private static final int MAX_ENTRIES = 1000;
    private static final FileTime OLD = FileTime.from(Instant.parse("2020-01-02T03:04:05Z"));

    @TempDir
    Path tmp;

    private Path restoreParent;
    private Path target;

    @BeforeEach
    void setUp() throws IOException {
        restoreParent = Files.createDirectory(tmp.resolve("restore"));
        target = restoreParent.resolve("target");
    }

    // ---- round trip ----

    @Test
    void roundTripKeepsFilesDirectoriesLinksModesAndTimes() throws Exception {
        Path source = Files.createDirectory(tmp.resolve("source"));
        Path workspace = Files.createDirectories(source.resolve("workspace/src/main/deep"));
        Path ws = source.resolve("workspace");
        Path home = Files.createDirectory(source.resolve("home"));
        Files.writeString(workspace.resolve("Main.java"), "class Main {}\n");
        Files.createDirectory(ws.resolve("empty"));
        Path script = Files.writeString(ws.resolve("build.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        byte[] random = new byte[1 << 20];
        new Random(42).nextBytes(random);
        Files.write(ws.resolve("random.bin"), random);
        Files.writeString(ws.resolve("ünïcødé-文件-🚀.txt"), "unicode\n");
        Files.writeString(ws.resolve("n".repeat(150)), "long name\n");
        Files.writeString(workspace.resolve("x".repeat(120) + ".txt"), "long path\n");
        Files.writeString(home.resolve(".profile"), "export A=1\n");
        Files.createSymbolicLink(ws.resolve("main-link"), Path.of("src/main/deep/Main.java"));
        Files.createSymbolicLink(workspace.resolve("profile-link"), Path.of("../../../../home/.profile"));
        Files.createSymbolicLink(ws.resolve("dangling"), Path.of("not-there"));
        Files.createSymbolicLink(home.resolve("project"), Path.of("../workspace/src"));
        Path restricted = Files.createDirectory(ws.resolve("restricted"));
        Files.writeString(restricted.resolve("secret.txt"), "s\n");
        Files.setPosixFilePermissions(restricted.resolve("secret.txt"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(restricted, PosixFilePermissions.fromString("rwxr-x---"));
        setAllTimes(source, OLD);

        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        ArchiveStats written = SnapshotArchive.write(source, List.of("workspace", "home"), archive);
        ArchiveStats read = SnapshotArchive.extract(
                new ByteArrayInputStream(archive.toByteArray()), target, MAX_BYTES, MAX_ENTRIES);

        assertThat(describe(target)).isEqualTo(describe(source));
        assertThat(Files.readAllBytes(target.resolve("workspace/random.bin"))).isEqualTo(random);
        assertThat(Files.readSymbolicLink(target.resolve("home/project"))).isEqualTo(Path.of("../workspace/src"));
        assertThat(Files.isExecutable(target.resolve("workspace/build.sh"))).isTrue();
        assertThat(written).isEqualTo(read);
        assertThat(written.symlinks()).isEqualTo(4);
        assertThat(written.directories()).isEqualTo(7);
        assertThat(written.contentBytes()).isGreaterThan(1 << 20);
        assertThat(written.skipped()).isZero();
        assertThat(archive.size()).isLessThan((1 << 20) + 64 * 1024);
    }

    @Test
    void writeLeavesOutSocketsAndLinksThatExtractWouldRefuse() throws Exception {
        Path source = Files.createDirectory(tmp.resolve("source"));
        Path ws = Files.createDirectory(source.resolve("workspace"));
        Files.writeString(ws.resolve("kept.txt"), "kept\n");
        Files.createSymbolicLink(ws.resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(ws.resolve("up"), Path.of("../../elsewhere"));
        Files.createDirectory(source.resolve("not-listed"));
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(ws.resolve("agent.sock")));
            ByteArrayOutputStream archive = new ByteArrayOutputStream();

            ArchiveStats written = SnapshotArchive.write(source, List.of("workspace", "home"), archive);
            SnapshotArchive.extract(new ByteArrayInputStream(archive.toByteArray()), target, MAX_BYTES, MAX_ENTRIES);

            assertThat(written.skipped()).isEqualTo(3);
            assertThat(describe(target)).containsOnlyKeys("workspace", "workspace/kept.txt");
        }
    }

    @Test
    void refusesATargetThatIsNotEmpty() throws Exception {
        Files.createDirectory(target);
        Files.writeString(target.resolve("existing"), "x");
        byte[] archive = archive(tar -> file(tar, "workspace/a.txt", "a"));

        assertThatThrownBy(() -> extract(archive))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("is not empty");
        assertThat(Files.readString(target.resolve("existing"))).isEqualTo("x");
    }

    // ---- hostile archives ----

    @Test
    void refusesAnAbsoluteName() throws Exception {
        Path victim = tmp.resolve("victim.txt");
        byte[] archive = archive(tar -> {
            file(tar, "workspace/fine.txt", "fine");
            TarArchiveEntry entry = new TarArchiveEntry(victim.toString(), true);
            write(tar, entry, "pwned");
        });

        assertRefused(archive, "has an absolute name");
        assertThat(victim).doesNotExist();
    }

    @Test
    void refusesDotDotSegments() throws Exception {
        assertRefused(archive(tar -> file(tar, "../escape", "pwned")), "contains '..'");
        assertRefused(archive(tar -> file(tar, "workspace/../../escape", "pwned")), "contains '..'");
        assertThat(tmp.resolve("escape")).doesNotExist();
    }

    @Test
    void refusesASymlinkToAnAbsolutePathAndAFileThroughIt() throws Exception {
        byte[] archive = archive(tar -> {
            symlink(tar, "workspace/etc", "/etc");
            file(tar, "workspace/etc/passwd", "root::0:0::/:/bin/sh");
        });

        assertRefused(archive, "symlink \"workspace/etc\" -> \"/etc\" has an absolute target");
    }

    @Test
    void refusesAFileWrittenThroughAnEarlierSymlinkEvenOneThatStaysInside() throws Exception {
        byte[] archive = archive(tar -> {
            dir(tar, "workspace/real/");
            symlink(tar, "workspace/alias", "real");
            file(tar, "workspace/alias/file.txt", "through the link");
        });

        assertRefused(archive, "would be written through the symlink \"workspace/alias\"");
    }

    @Test
    void refusesASymlinkClimbingOutOfTheTarget() throws Exception {
        byte[] archive = archive(tar -> {
            symlink(tar, "workspace/x", "../../x");
            file(tar, "workspace/x", "pwned");
        });

        assertRefused(archive, "symlink \"workspace/x\" -> \"../../x\" points outside the archive");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void refusesALinkChainThatOnlyLooksInsideWhenNormalisedLexically() throws Exception {
        // "s/../.." normalises to the target, but the kernel climbs from where s points: above it
        byte[] archive = archive(tar -> {
            symlink(tar, "workspace/s", "..");
            symlink(tar, "workspace/escape", "s/../..");
        });

        assertRefused(archive, "has '..' after a name");
    }

    @Test
    void refusesAHardLink() throws Exception {
        byte[] archive = archive(tar -> {
            TarArchiveEntry entry = new TarArchiveEntry("workspace/passwd", TarConstants.LF_LINK);
            entry.setLinkName("/etc/passwd");
            write(tar, entry, "");
        });

        assertRefused(archive, "entry \"workspace/passwd\" is a hard link");
    }

    @Test
    void refusesDevicesAndFifos() throws Exception {
        byte[] device = archive(tar -> {
            TarArchiveEntry entry = new TarArchiveEntry("workspace/sda", TarConstants.LF_BLK);
            entry.setDevMajor(8);
            write(tar, entry, "");
        });
        byte[] fifo = archive(tar -> write(tar, new TarArchiveEntry("workspace/pipe", TarConstants.LF_FIFO), ""));

        assertRefused(device, "entry \"workspace/sda\" is a device or fifo");
        assertRefused(fifo, "entry \"workspace/pipe\" is a device or fifo");
    }

    @Test
    void refusesALinkThatReplacesAnEarlierDirectory() throws Exception {
        byte[] archive = archive(tar -> {
            dir(tar, "workspace/dir/");
            symlink(tar, "workspace/dir", "other");
        });

        assertRefused(archive, "would replace an earlier entry with a symlink");
    }

    @Test
    void refusesAFileThatReplacesAnEarlierFile() throws Exception {
        byte[] archive = archive(tar -> {
            file(tar, "workspace/a.txt", "first");
            file(tar, "workspace/a.txt", "second");
        });

        assertRefused(archive, "would replace an earlier entry");
    }

    @Test
    void refusesTooManyEntries() throws Exception {
        byte[] archive = archive(tar -> {
            for (int i = 0; i < 11; i++) {
                file(tar, "workspace/f" + i, "x");
            }
        });

        assertThatThrownBy(() -> SnapshotArchive.extract(new ByteArrayInputStream(archive), target, MAX_BYTES, 10))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("more than 10 entries");
        assertNothingLeft();
    }

    @Test
    void refusesAnEntryDeclaringMoreBytesThanAllowedBeforeWritingAny() throws Exception {
        // the header claims 4 GiB but only one block of data follows: the size alone must refuse it
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZstdOutputStream zstd = new ZstdOutputStream(bytes)) {
            TarArchiveEntry entry = new TarArchiveEntry("workspace/huge.bin");
            entry.setSize(4L << 30);
            byte[] header = new byte[512];
            entry.writeEntryHeader(header);
            zstd.write(header);
            zstd.write(new byte[512 * 3]);
        }

        assertRefused(
                bytes.toByteArray(),
                "entry \"workspace/huge.bin\" declares 4294967296 bytes, more than the 67108864 bytes");
    }

    @Test
    void refusesAZipBombOfZeros() throws Exception {
        byte[] zeros = new byte[16 << 20];
        byte[] archive = archive(tar -> write(tar, new TarArchiveEntry("workspace/zeros.bin"), zeros));
        assertThat(archive.length).isLessThan(64 * 1024);

        assertThatThrownBy(
                        () -> SnapshotArchive.extract(new ByteArrayInputStream(archive), target, 1 << 20, MAX_ENTRIES))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("more than the 1048576 bytes the whole archive may hold");
        assertNothingLeft();
    }

    @Test
    void refusesManyEntriesThatTogetherExceedTheByteLimit() throws Exception {
        byte[] chunk = new byte[400 * 1024];
        byte[] archive = archive(tar -> {
            for (int i = 0; i < 3; i++) {
                write(tar, new TarArchiveEntry("workspace/part" + i), chunk);
            }
        });

        assertThatThrownBy(
                        () -> SnapshotArchive.extract(new ByteArrayInputStream(archive), target, 1 << 20, MAX_ENTRIES))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("entry \"workspace/part2\" declares 409600 bytes");
        assertNothingLeft();
    }

    @Test
    void refusesOversizedHeaders() throws Exception {
        // a GNU long-name record is held in memory by the tar library; 2 MiB of name is no path
        int nameBytes = 2 << 20;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZstdOutputStream zstd = new ZstdOutputStream(bytes)) {
            TarArchiveEntry longName = new TarArchiveEntry("././@LongLink", TarConstants.LF_GNUTYPE_LONGNAME);
            longName.setSize(nameBytes);
            byte[] header = new byte[512];
            longName.writeEntryHeader(header);
            zstd.write(header);
            byte[] name = new byte[nameBytes];
            Arrays.fill(name, (byte) 'a');
            zstd.write(name);
            TarArchiveEntry file = new TarArchiveEntry("workspace/f");
            file.writeEntryHeader(header);
            zstd.write(header);
            zstd.write(new byte[1024]);
        }
        byte[] archive = bytes.toByteArray();

        assertRefused(archive, "headers are larger than 1048576 bytes");
    }

    @Test
    void refusesAStreamThatIsNotZstd() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);

        assertRefused(garbage, "is not an intact tar + zstd stream");
        assertRefused(
                "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII), "is not an intact tar + zstd stream");
    }

    @Test
    void refusesATruncatedArchive() throws Exception {
        byte[] content = new byte[256 * 1024];
        new Random(3).nextBytes(content);
        byte[] archive = archive(tar -> {
            write(tar, new TarArchiveEntry("workspace/a.bin"), content);
            write(tar, new TarArchiveEntry("workspace/b.bin"), content);
        });

        assertRefused(Arrays.copyOf(archive, archive.length / 2), "is not an intact tar + zstd stream");
    }

    // ---- helpers ----

    private ArchiveStats extract(byte[] archive) throws IOException {
        return SnapshotArchive.extract(new ByteArrayInputStream(archive), target, MAX_BYTES, MAX_ENTRIES);
    }

    private void assertRefused(byte[] archive, String message) throws IOException {
        assertThatThrownBy(() -> extract(archive))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining(message)
                .hasMessageContaining("nothing was restored");
        assertNothingLeft();
    }

    /** Only the (emptied) target exists beside the restore, and nothing new appeared above it. */
    private void assertNothingLeft() throws IOException {
        assertThat(list(restoreParent)).containsExactly(target);
        assertThat(list(target)).isEmpty();
        assertThat(list(tmp)).containsExactly(restoreParent);
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.toList();
        }
    }

    @FunctionalInterface
    private interface TarBody {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    /** An archive built by hand, the way a hostile sandbox could build one. */
    private static byte[] archive(TarBody body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new ZstdOutputStream(bytes), "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            body.write(tar);
        }
        return bytes.toByteArray();
    }

    private static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
        write(tar, new TarArchiveEntry(name), content);
    }

    private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
        write(tar, new TarArchiveEntry(name, TarConstants.LF_DIR), "");
    }

    private static void symlink(TarArchiveOutputStream tar, String name, String linkTarget) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        entry.setLinkName(linkTarget);
        write(tar, entry, "");
    }

    private static void write(TarArchiveOutputStream tar, TarArchiveEntry entry, String content) throws IOException {
        write(tar, entry, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(TarArchiveOutputStream tar, TarArchiveEntry entry, byte[] content) throws IOException {
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static void setAllTimes(Path root, FileTime time) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.getFileAttributeView(
                                file, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(time, null, null);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.setLastModifiedTime(dir, time);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Relative path to type, mode, mtime and content (or link target), without following links. */
    private static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) {
                    tree.put(
                            root.relativize(dir).toString(),
                            "dir " + mode(dir) + " " + attrs.lastModifiedTime().toMillis() / 1000);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String key = root.relativize(file).toString();
                if (attrs.isSymbolicLink()) {
                    tree.put(
                            key,
                            "link -> " + Files.readSymbolicLink(file) + " "
                                    + attrs.lastModifiedTime().toMillis() / 1000);
                } else if (attrs.isRegularFile()) {
                    tree.put(
                            key,
                            "file " + mode(file) + " "
                                    + attrs.lastModifiedTime().toMillis() / 1000 + " " + sha256(file));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return tree;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
