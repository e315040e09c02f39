package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Softmax over dimension 1 of [N, K] scores, or its logarithm. Backward from the output y:
 * softmax: y * (g - sum(g * y)); log-softmax: g - softmax * sum(g).
 */
public final class Softmax extends Function {

    private final INDArray y;       // the output
    private final boolean log;

    private Softmax(Tensor x, INDArray y, boolean log) {
        super(x);
        this.y = y;
        this.log = log;
    }

    /** Probabilities along dimension 1. */
    public static Tensor softmax(Tensor x) {
        check(x);
        INDArray y = Transforms.softmax(x.value(), true);
        return new Softmax(x, y, false).output(y);
    }

    /** Log-probabilities along dimension 1, computed stably as x - max - log(sum(exp(x - max))). */
    public static Tensor logSoftmax(Tensor x) {
        check(x);
        INDArray shifted = x.value().subColumnVector(x.value().max(true, 1));
        INDArray logSum = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
        INDArray y = shifted.subiColumnVector(logSum);
        return new Softmax(x, y, true).output(y);
    }

    private static void check(Tensor x) {
        if (x.rank() != 2) throw new IllegalArgumentException("softmax expects [N, K] scores, got " + java.util.Arrays.toString(x.shape()));
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        if (log) {
            INDArray p = Transforms.exp(y, true);
            return new INDArray[]{g.sub(p.muliColumnVector(g.sum(true, 1)))};
        }
        INDArray dot = g.mul(y).sum(true, 1);
        return new INDArray[]{g.subColumnVector(dot).muli(y)};
    }
}
