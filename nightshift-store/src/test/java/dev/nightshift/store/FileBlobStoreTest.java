package dev.nightshift.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.port.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlobStoreTest {
    @TempDir
    Path dir;

    @Test
    void storesContentUnderItsSha256AndReadsItBack() throws Exception {
        FileBlobStore blobs = new FileBlobStore(dir);
        byte[] content = "hello, attachment".getBytes(StandardCharsets.UTF_8);
        BlobStore.Blob blob = blobs.put(new ByteArrayInputStream(content), 1000);
        String expected =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        assertThat(blob.sha256()).isEqualTo(expected);
        assertThat(blob.size()).isEqualTo(content.length);
        assertThat(blobs.read(expected)).hasValueSatisfying(b -> assertThat(b).isEqualTo(content));
        assertThat(dir.resolve(expected.substring(0, 2)).resolve(expected)).exists();

        // the same content again is the same blob; a fresh store over the directory finds it
        assertThat(blobs.put(new ByteArrayInputStream(content), 1000)).isEqualTo(blob);
        assertThat(new FileBlobStore(dir).read(expected)).isPresent();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void refusesMoreThanItsLimitAndKeepsNothing() throws Exception {
        FileBlobStore blobs = new FileBlobStore(dir);
        assertThatThrownBy(() -> blobs.put(new ByteArrayInputStream(new byte[101]), 100))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("larger than 100 bytes");
        assertThat(leftovers()).isEmpty();
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void unknownOrMalformedKeysAreAbsentNotPaths() throws Exception {
        FileBlobStore blobs = new FileBlobStore(dir);
        assertThat(blobs.open("0".repeat(64))).isEmpty();
        assertThat(blobs.open("../../etc/passwd")).isEmpty();
        assertThat(blobs.open("AB".repeat(32))).isEmpty();
        assertThat(blobs.open(null)).isEmpty();
    }

    private java.util.List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("incoming"))) {
            return files.toList();
        }
    }
}
