package io.pixelgrad.vis;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How close an array is to a reference array of the same shape: the measures a user needs to check a result against
 * their own reference (PyTorch's, an earlier run's) without Python. All sums are in float64.
 *
 * @param relativeL2    |got - ref|_2 / |ref|_2 (|got - ref|_2 when the reference is all zeros)
 * @param maxAbsError   the largest |got - ref| over the elements
 * @param maxAbsIndex   where that is, as an index per dimension
 * @param maxAbsRef     the largest |ref| (the scale the absolute error is measured against)
 * @param correlation   Pearson's correlation of the two arrays (NaN when either is constant)
 * @param nanCount      elements where exactly one of the two is NaN, or the difference is NaN
 * @param elements      number of elements compared
 */
public record Comparison(double relativeL2, double maxAbsError, long[] maxAbsIndex, double maxAbsRef, double correlation,
                         long nanCount, long elements) {

    /** Compares got with ref; they must have the same shape (a one-line error names both shapes otherwise). */
    public static Comparison of(INDArray got, INDArray ref) {
        if (!Arrays.equals(got.shape(), ref.shape()))
            throw new IllegalArgumentException("shapes differ: " + Arrays.toString(got.shape()) + " against the reference's "
                    + Arrays.toString(ref.shape()));
        return of(Passes.values(got), Passes.values(ref), ref.shape());
    }

    /** Compares two row-major arrays of the given shape. */
    public static Comparison of(double[] got, double[] ref, long[] shape) {
        if (got.length != ref.length) throw new IllegalArgumentException(got.length + " values against " + ref.length);
        double diff2 = 0, ref2 = 0, maxAbs = -1, maxRef = 0;
        int at = 0;
        long nans = 0;
        double meanG = 0, meanR = 0;
        for (int i = 0; i < got.length; i++) {
            double d = got[i] - ref[i];
            if (Double.isNaN(d)) {
                if (!(Double.isNaN(got[i]) && Double.isNaN(ref[i]))) nans++;
                continue;
            }
            diff2 += d * d;
            ref2 += ref[i] * ref[i];
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
            if (Math.abs(d) > maxAbs) {
                maxAbs = Math.abs(d);
                at = i;
            }
            meanG += got[i];
            meanR += ref[i];
        }
        long finite = got.length - nans - countBothNaN(got, ref);
        meanG /= Math.max(1, finite);
        meanR /= Math.max(1, finite);
        double sgg = 0, srr = 0, sgr = 0;
        for (int i = 0; i < got.length; i++) {
            if (Double.isNaN(got[i] - ref[i])) continue;
            double g = got[i] - meanG, r = ref[i] - meanR;
            sgg += g * g;
            srr += r * r;
            sgr += g * r;
        }
        double rel = ref2 == 0 ? Math.sqrt(diff2) : Math.sqrt(diff2) / Math.sqrt(ref2);
        double corr = sgg == 0 || srr == 0 ? Double.NaN : sgr / Math.sqrt(sgg * srr);
        return new Comparison(nans > 0 ? Double.NaN : rel, Math.max(0, maxAbs), unravel(at, shape), maxRef, corr, nans, got.length);
    }

    private static long countBothNaN(double[] got, double[] ref) {
        long n = 0;
        for (int i = 0; i < got.length; i++) if (Double.isNaN(got[i]) && Double.isNaN(ref[i])) n++;
        return n;
    }

    private static long[] unravel(long index, long[] shape) {
        long[] at = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 0) continue;
            at[d] = index % shape[d];
            index /= shape[d];
        }
        return at;
    }

    /** Whether the relative L2 error is at most the tolerance (never with NaNs where the reference has none). */
    public boolean within(double tolerance) {
        return relativeL2 <= tolerance;
    }

    /** A JSON-ready description. */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("relative_l2_error", Double.isNaN(relativeL2) ? null : relativeL2);
        d.put("max_abs_error", maxAbsError);
        d.put("max_abs_error_index", maxAbsIndex);
        d.put("max_abs_reference", maxAbsRef);
        d.put("correlation", Double.isNaN(correlation) ? null : correlation);
        d.put("nan_mismatches", nanCount);
        d.put("elements", elements);
        return d;
    }
}
