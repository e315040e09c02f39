package io.pixelgrad.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pixelgrad.engine.Npy;
import io.pixelgrad.vis.Comparison;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code pixelgrad compare}: how close one .npy array is to a reference, with a pass/fail exit code. */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Compare an array with a reference array (both NumPy .npy files of the same shape) and pass or fail.",
            "Prints the relative L2 error |got-ref|/|ref|, the largest absolute error and where it is, and the "
                + "correlation. Exits 0 when the relative L2 error is at most --tol, 1 above it (or when shapes differ "
                + "or NaNs appear where the reference has none), so scripts can check results against their own "
                + "references."},
        footer = {"", "Examples:",
            "  pixelgrad compare out/saliency.npy torch_saliency.npy",
            "  pixelgrad compare out64/guided.npy ref64/guided.npy --tol 1e-10 --json"})
public final class CompareCommand extends PixelgradCommand {

    /** Exit code when the arrays differ by more than the tolerance. */
    public static final int DIFFERENT = 1;

    @Parameters(index = "0", paramLabel = "GOT", description = "The array to check (.npy).")
    Path got;

    @Parameters(index = "1", paramLabel = "REF", description = "The reference array (.npy).")
    Path ref;

    @Option(names = "--tol", paramLabel = "RELATIVE", defaultValue = "1e-5",
            description = "Largest relative L2 error that passes (default: ${DEFAULT-VALUE}; about 1e-12 suits float64 runs).")
    double tolerance;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    protected int run() throws Exception {
        if (!(tolerance >= 0)) throw new UserException("--tol must be a number >= 0, not " + tolerance);
        INDArray a = read(got), b = read(ref);
        if (!Arrays.equals(a.shape(), b.shape())) {
            err().println("compare: shapes differ: " + got + " is " + Arrays.toString(a.shape()) + ", " + ref + " is "
                    + Arrays.toString(b.shape()));
            err().flush();
            return DIFFERENT;
        }
        Comparison c = Comparison.of(a, b);
        boolean pass = c.within(tolerance);
        if (json) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("got", got.toString());
            d.put("reference", ref.toString());
            d.put("shape", a.shape());
            d.put("dtypes", new String[]{typeName(a.dataType()), typeName(b.dataType())});
            d.putAll(c.describe());
            d.put("tolerance", tolerance);
            d.put("pass", pass);
            out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(d));
        } else {
            out().println(String.format(Locale.ROOT, "shape %s, %s against %s", Arrays.toString(a.shape()),
                    typeName(a.dataType()), typeName(b.dataType())));
            out().println(String.format(Locale.ROOT, "relative L2 error   %.3e  (tolerance %.1e)", c.relativeL2(), tolerance));
            out().println(String.format(Locale.ROOT, "largest abs error   %.3e  at %s  (largest |ref| %.3e)", c.maxAbsError(),
                    Arrays.toString(c.maxAbsIndex()), c.maxAbsRef()));
            out().println(String.format(Locale.ROOT, "correlation         %s", Double.isNaN(c.correlation()) ? "undefined (a constant array)"
                    : String.format(Locale.ROOT, "%.9f", c.correlation())));
            if (c.nanCount() > 0) out().println("NaN where the other array has a number: " + c.nanCount() + " elements");
            out().println(pass ? "PASS" : "FAIL");
        }
        out().flush();
        return pass ? 0 : DIFFERENT;
    }

    /** NumPy's name of an array's element type. */
    private static String typeName(org.nd4j.linalg.api.buffer.DataType t) {
        return switch (t) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case LONG -> "int64";
            case INT -> "int32";
            case UBYTE -> "uint8";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }

    private static INDArray read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new java.nio.file.NoSuchFileException(file + " (no such file)");
        try {
            return Npy.read(file);
        } catch (IOException | RuntimeException e) {
            throw new UserException(file + " is not a readable .npy array: " + e.getMessage(), e);
        }
    }
}
