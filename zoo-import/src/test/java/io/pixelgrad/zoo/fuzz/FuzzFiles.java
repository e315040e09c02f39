package io.pixelgrad.zoo.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Puts each fuzzer input in a file, because every reader under test takes a path (and memory-maps it). One file per
 * name is rewritten for every execution; the directory is removed when the JVM exits.
 */
public final class FuzzFiles {
    private static Path dir;

    private FuzzFiles() {
    }

    /** Writes {@code data} to the file {@code name} in this JVM's scratch directory and returns its path. */
    public static synchronized Path write(String name, byte[] data) {
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("pixelgrad-fuzz-");
                Path d = dir;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
            }
            Path p = dir.resolve(name);
            Files.write(p, data);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fuzzer input", e);
        }
    }

    /** A reader of one kind of file and the exception that is its documented refusal. */
    @FunctionalInterface
    public interface Reader<T, E extends Exception> {
        /** Reads {@code file}. */
        T read(Path file) throws E;
    }

    /**
     * Writes {@code data} to {@code name} and reads it: returns what was read, or null when the reader refused it with
     * {@code refusal} carrying a one-line message that starts with {@code prefix} followed by the path and ": ". Any other
     * exception propagates to the fuzzer as a finding.
     */
    public static <T, E extends Exception> T readOrRefuse(String name, byte[] data, Reader<T, E> reader, Class<E> refusal,
                                                          String prefix) {
        Path file = write(name, data);
        try {
            return reader.read(file);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // The reader declares only E, so this is its refusal; Java cannot catch a type parameter directly.
            if (!refusal.isInstance(e)) {
                throw new AssertionError("undeclared checked exception", e);
            }
            assertOneLine(e.getMessage(), prefix + file + ": ");
            return null;
        }
    }

    /** Throws an AssertionError (a finding) unless {@code message} is one printable line starting with {@code prefix}. */
    public static void assertOneLine(String message, String prefix) {
        if (message == null || !message.startsWith(prefix) || message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
            throw new AssertionError("not a one-line message starting with '" + prefix + "': " + message);
        }
    }

    private static void deleteTree(Path d) {
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a scratch directory left in the temporary folder is harmless.
        }
    }
}
