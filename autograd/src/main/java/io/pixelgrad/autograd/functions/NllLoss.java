package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The negative log-likelihood of the target classes, averaged over the batch: for log-probabilities x [N, K] and
 * targets t, loss = -(1/N) sum over n of x[n, t_n]. After a log-softmax this is the cross-entropy.
 * Backward: -g/N at each sample's target entry, zero elsewhere.
 */
public final class NllLoss extends Function {

    private final int[] targets;
    private final long[] inputShape;

    private NllLoss(Tensor x, int[] targets) {
        super(x);
        this.targets = targets;
        this.inputShape = x.shape();
    }

    /** The mean of -x[n, targets[n]] over the batch, a 0-d tensor. */
    public static Tensor apply(Tensor logProbabilities, int[] targets) {
        if (logProbabilities.rank() != 2)
            throw new IllegalArgumentException("the loss expects [N, K] scores, got " + java.util.Arrays.toString(logProbabilities.shape()));
        long n = logProbabilities.size(0), k = logProbabilities.size(1);
        if (targets.length != n) throw new IllegalArgumentException(targets.length + " targets for a batch of " + n);
        INDArray x = logProbabilities.value();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] < 0 || targets[i] >= k)
                throw new IllegalArgumentException("target " + targets[i] + " of sample " + i + " is not a class of " + k);
            sum += x.getDouble(i, targets[i]);
        }
        INDArray loss = Nd4j.scalar(x.dataType(), -sum / n);
        return new NllLoss(logProbabilities, targets.clone()).output(loss);
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        INDArray dx = Nd4j.zeros(g.dataType(), inputShape);
        double v = -g.getDouble(0) / inputShape[0];
        for (int i = 0; i < targets.length; i++) dx.putScalar(i, targets[i], v);
        return new INDArray[]{dx};
    }
}
