package io.pixelgrad.cli.options;

import io.pixelgrad.cli.AtomicFiles;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** {@code --out}: the directory results are written to, each file whole or not at all. */
public final class OutOption {

    /** The output directory, or null when the command should only print. */
    @Option(names = {"-o", "--out"}, paramLabel = "DIR",
            description = "Directory for output files (created if needed). Each file is written whole or not at all.")
    public Path out;

    /** Whether an output directory was given. */
    public boolean given() {
        return out != null;
    }

    /** Writes one output file atomically into the directory; returns its path. */
    public Path write(String fileName, AtomicFiles.Writer writer) throws IOException {
        Path target = out.resolve(fileName);
        AtomicFiles.write(target, writer);
        return target;
    }
}
