package io.pixelgrad.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Output files appear whole or not at all. */
class AtomicFilesTest {

    @Test
    void aFailedWriteLeavesNothingBehindAndKeepsTheOldFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("sub/result.json");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("{\"half\":".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals(0, count(dir.resolve("sub")), "no partial or temporary file");
        AtomicFiles.writeString(target, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("new but broken".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(target));
        assertEquals(1, count(dir.resolve("sub")));
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
