package io.pixelgrad.tests;

import io.pixelgrad.engine.Kernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares our arrays with PyTorch's by two relative measures, and keeps the worst value seen per group so the test
 * classes can print what they actually reached:
 * <ul>
 *   <li>array-relative: max|a - b| / max|b| (how big the worst error is next to the array's scale);</li>
 *   <li>element-relative: max over elements of |a - b| / (|b| + FLOOR * max|b|) (catches an error confined to
 *       small elements, with a floor so that values that are zero up to cancellation do not divide by ~0).</li>
 * </ul>
 */
final class Compare {

    /** Bound on the array-relative error: the 1e-5 the foundation issue asks for. */
    static final double ARRAY_TOLERANCE = 1e-5;
    /** Bound on the element-relative error of a single layer (each element within 1e-4 of its own size, above the floor). */
    static final double ELEMENT_TOLERANCE = 1e-4;
    /**
     * Bound on the element-relative error after a whole network: an input-gradient element a thousand times smaller
     * than the largest is a sum of much larger terms that cancel, so float32 rounding of those terms (about 1e-7 of
     * the largest value) is about 1e-4 of such an element.
     */
    static final double NETWORK_ELEMENT_TOLERANCE = 1e-3;
    /** The floor, as a fraction of the array's largest magnitude. */
    static final double FLOOR = 1e-3;
    /** Bound on the array-relative error in float64: the 1e-12 (measured errors are around 1e-16 to 1e-15). */
    static final double ARRAY_TOLERANCE_64 = 1e-12;
    /** Bound on the element-relative error in float64 (the float32 reasoning above, with float64 rounding). */
    static final double ELEMENT_TOLERANCE_64 = 1e-10;

    private static final Map<String, Worst> WORST = new TreeMap<>();

    private Compare() {
    }

    /** Both error measures of actual against the expected array. */
    record Errors(double array, double element) {
    }

    /** The worst errors of a group and where they happened. */
    private record Worst(double array, String arrayWhere, double element, String elementWhere) {
    }

    /** Computes the two error measures (shapes must already agree in length). */
    static Errors errors(INDArray actual, INDArray expected) {
        double[] a = values(actual), b = values(expected);
        assertEquals(b.length, a.length, "element count");
        double scale = 0, worstAbs = 0, worstElement = 0;
        for (double v : b) scale = Math.max(scale, Math.abs(v));
        double floor = FLOOR * scale;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            if (Double.isNaN(d)) return new Errors(Double.NaN, Double.NaN);
            worstAbs = Math.max(worstAbs, d);
            double denominator = Math.abs(b[i]) + floor;
            // An all-zero reference: any difference is an error of its own size.
            worstElement = Math.max(worstElement, denominator == 0 ? d : d / denominator);
        }
        return new Errors(scale == 0 ? worstAbs : worstAbs / scale, worstElement);
    }

    /**
     * Asserts that actual matches PyTorch's expected array: same shape (expectedShape is PyTorch's, which may be 0-d)
     * and both errors within the bounds. Records the errors under group.
     */
    static Errors assertClose(String group, String what, INDArray actual, INDArray expected, long[] expectedShape) {
        return assertClose(group, what, actual, expected, expectedShape, ELEMENT_TOLERANCE);
    }

    /** As {@link #assertClose(String, String, INDArray, INDArray, long[])} with another element-relative bound. */
    static Errors assertClose(String group, String what, INDArray actual, INDArray expected, long[] expectedShape,
                              double elementTolerance) {
        return assertClose(group, what, actual, expected, expectedShape, ARRAY_TOLERANCE, elementTolerance);
    }

    /**
     * As above with both bounds given; a float64 actual array is held to the float64 bounds and must come with a
     * float64 reference (so a float32 path cannot pass for a float64 one).
     */
    static Errors assertClose(String group, String what, INDArray actual, INDArray expected, long[] expectedShape,
                              double arrayTolerance, double elementTolerance) {
        assertArrayEquals(expectedShape, actual.shape(), what + ": shape");
        assertEquals(expected.dataType(), actual.dataType(), what + ": data type");
        Errors e = errors(actual, expected);
        record(group, what, e);
        assertTrue(e.array() <= arrayTolerance && e.element() <= elementTolerance, String.format(Locale.ROOT,
                "%s differs from PyTorch: max|a-b|/max|b| = %.3g (bound %.0g), per element %.3g (bound %.0g, floor %.0g*max|b|)",
                what, e.array(), arrayTolerance, e.element(), elementTolerance, FLOOR));
        return e;
    }

    /** assertClose with the bounds of the actual array's data type (float32: these defaults; float64: the *_64 ones). */
    static Errors assertCloseIn(DataType type, String group, String what, INDArray actual, INDArray expected,
                                long[] expectedShape, double float32ElementTolerance) {
        return type == DataType.DOUBLE
                ? assertClose(group + " f64", what, actual, expected, expectedShape, ARRAY_TOLERANCE_64, ELEMENT_TOLERANCE_64)
                : assertClose(group, what, actual, expected, expectedShape, ARRAY_TOLERANCE, float32ElementTolerance);
    }

    private static synchronized void record(String group, String what, Errors e) {
        Worst w = WORST.get(group);
        if (w == null) w = new Worst(-1, "", -1, "");
        if (!(e.array() <= w.array())) w = new Worst(e.array(), what, w.element(), w.elementWhere());
        if (!(e.element() <= w.element())) w = new Worst(w.array(), w.arrayWhere(), e.element(), what);
        WORST.put(group, w);
    }

    /** Prints the worst errors reached per group on this JVM's kernel set (a summary for the build log). */
    static synchronized void report(String title) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n%s, %s kernels: worst errors against PyTorch%n",
                title, Kernels.get().name()));
        WORST.forEach((group, w) -> sb.append(String.format(Locale.ROOT, "  %-22s array %.2e (%s)   element %.2e (%s)%n",
                group, w.array(), w.arrayWhere(), w.element(), w.elementWhere())));
        System.out.print(sb);
        WORST.clear();
    }

    private static double[] values(INDArray x) {
        INDArray c = x.dup('c');
        try {
            return c.data().asDouble();
        } finally {
            c.close();
        }
    }
}
