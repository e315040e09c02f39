package io.pixelgrad.autograd.functions;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

import java.util.ArrayList;
import java.util.List;

/** NumPy broadcasting for the binary functions, and its backward: summing a gradient back down to an input's shape. */
final class Broadcasting {

    private Broadcasting() {
    }

    /** The shape two operands broadcast to, or an error naming both. */
    static long[] shape(INDArray a, INDArray b) {
        long[] s = Shape.broadcastOutputShape(a.shape(), b.shape());
        if (s == null) throw new IllegalArgumentException("shapes " + java.util.Arrays.toString(a.shape()) + " and "
                + java.util.Arrays.toString(b.shape()) + " do not broadcast");
        return s;
    }

    /** a expanded to the target shape (a itself when it already has it). */
    static INDArray expand(INDArray a, long[] target) {
        if (java.util.Arrays.equals(a.shape(), target)) return a;
        long[] padded = new long[target.length];
        java.util.Arrays.fill(padded, 1);
        System.arraycopy(a.shape(), 0, padded, target.length - a.rank(), a.rank());
        return a.reshape(padded).broadcast(target);
    }

    /** Sums g over the dimensions that broadcasting expanded, giving an array of the input's shape. */
    static INDArray reduce(INDArray g, long[] inputShape) {
        if (java.util.Arrays.equals(g.shape(), inputShape)) return g.dup(g.ordering());
        int offset = g.rank() - inputShape.length;
        List<Integer> dims = new ArrayList<>();
        for (int d = 0; d < g.rank(); d++) {
            long size = d < offset ? 1 : inputShape[d - offset];
            if (d < offset || (size == 1 && g.size(d) != 1)) dims.add(d);
        }
        INDArray summed = io.pixelgrad.engine.Arrays.sum(g, dims.stream().mapToInt(Integer::intValue).toArray());
        INDArray result = io.pixelgrad.engine.Arrays.reshapeCopy(summed, inputShape);
        io.pixelgrad.engine.Arrays.release(summed);
        return result;
    }
}
