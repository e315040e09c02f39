package io.pixelgrad.cli.explain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pixelgrad.engine.Npy;
import io.pixelgrad.vis.render.Render;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files a command produces, staged in a hidden temporary directory next to --out and moved into place only when
 * all of them are written: a failure leaves nothing behind, and nothing is written before the work has succeeded.
 */
public final class Outputs implements AutoCloseable {

    private final Path out;
    private final Path staging;
    private final List<String> names = new ArrayList<>();

    /** Stages outputs for the directory out (created at commit time if needed). */
    public Outputs(Path out) throws IOException {
        this.out = out.toAbsolutePath();
        Path parent = this.out.getParent();
        Files.createDirectories(parent);
        this.staging = Files.createTempDirectory(parent, ".pixelgrad-" + this.out.getFileName() + "-");
    }

    /** Stages a .npy file. */
    public void npy(String name, INDArray array) throws IOException {
        Npy.write(array, staging.resolve(name));
        names.add(name);
    }

    /** Stages a PNG. */
    public void png(String name, BufferedImage image) throws IOException {
        bytes(name, Render.png(image));
    }

    /** Stages a UTF-8 text file. */
    public void text(String name, String text) throws IOException {
        bytes(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Stages an object as indented JSON. */
    public void json(String name, Object value) throws IOException {
        text(name, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value) + "\n");
    }

    /** Stages a file written through a stream (e.g. safetensors weights). */
    public void write(String name, io.pixelgrad.cli.AtomicFiles.Writer writer) throws IOException {
        Files.createDirectories(staging.resolve(name).getParent());
        try (java.io.OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(staging.resolve(name)))) {
            writer.write(os);
        }
        names.add(name);
    }

    private void bytes(String name, byte[] data) throws IOException {
        Files.createDirectories(staging.resolve(name).getParent());
        Files.write(staging.resolve(name), data);
        names.add(name);
    }

    /** Moves every staged file into --out (each move atomic where the file system allows); returns their paths. */
    public List<Path> commit() throws IOException {
        Files.createDirectories(out);
        List<Path> done = new ArrayList<>();
        for (String n : names) {
            Path target = out.resolve(n);
            Files.createDirectories(target.getParent());
            try {
                Files.move(staging.resolve(n), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging.resolve(n), target, StandardCopyOption.REPLACE_EXISTING);
            }
            done.add(target);
        }
        return done;
    }

    /** Deletes the staging directory and whatever is left in it. */
    @Override
    public void close() throws IOException {
        if (!Files.exists(staging)) return;
        try (Stream<Path> files = Files.walk(staging)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** The SHA-256 of a file as lowercase hex (the weights' identity in the JSON description). */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
