package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalization in training mode: each channel is normalized with the statistics of this batch,
 * xhat = (x - mean) / sqrt(var + eps) with mean and biased variance over N, H and W, then y = xhat * weight + bias.
 * Backward (the statistics depend on x too), with M = N*H*W values per channel and dxhat = g * weight:
 * dx = invstd / M * (M * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat)), dweight = sum(g * xhat), dbias = sum(g).
 * Like PyTorch's F.batch_norm(training=True), the forward pass also updates the running statistics in place:
 * running = (1 - momentum) * running + momentum * batch value, with the unbiased variance (divided by M - 1).
 */
public final class BatchNorm2dTraining extends Function {

    private final INDArray normalized;   // xhat, for every gradient
    private final INDArray invStd;       // [C]
    private final INDArray weight;       // [C], for the input gradient

    private BatchNorm2dTraining(Tensor x, Tensor weight, Tensor bias, INDArray normalized, INDArray invStd) {
        super(x, weight, bias);
        this.normalized = normalized;
        this.invStd = invStd;
        this.weight = weight.value();
    }

    /**
     * Normalizes x [N,C,H,W] with its own per-channel statistics, then scales by weight and shifts by bias [C]; updates
     * runningMean and runningVar [C] in place with the given momentum (PyTorch's default is 0.1).
     */
    public static Tensor apply(Tensor x, Tensor weight, Tensor bias, double eps, INDArray runningMean, INDArray runningVar,
                               double momentum) {
        if (x.rank() != 4 || x.size(1) != weight.value().length())
            throw new IllegalArgumentException("batch norm over " + weight.value().length() + " channels got input "
                    + java.util.Arrays.toString(x.shape()));
        long m = x.size(0) * x.size(2) * x.size(3);
        if (m < 2) throw new IllegalArgumentException("batch norm in training mode needs more than one value per channel, got input "
                + java.util.Arrays.toString(x.shape()));
        INDArray in = x.value();
        INDArray mean = Arrays.mean(in, 0, 2, 3);
        INDArray centered = in.sub(mean.reshape(1, mean.length(), 1, 1).broadcast(in.shape()));
        INDArray squares = centered.mul(centered);
        INDArray sumSquares = Arrays.sum(squares, 0, 2, 3);
        INDArray var = sumSquares.div(m);
        INDArray unbiasedVar = sumSquares.div(m - 1);
        INDArray invStd = Transforms.pow(var.addi(eps), -0.5, false);
        INDArray normalized = centered.muli(invStd.reshape(1, invStd.length(), 1, 1).broadcast(in.shape()));
        INDArray y = normalized.mul(weight.value().reshape(1, invStd.length(), 1, 1).broadcast(in.shape()))
                .addi(bias.value().reshape(1, invStd.length(), 1, 1).broadcast(in.shape()));
        updateRunning(runningMean, mean, momentum);
        updateRunning(runningVar, unbiasedVar, momentum);
        Arrays.release(squares, sumSquares, mean, unbiasedVar);
        return new BatchNorm2dTraining(x, weight, bias, normalized, invStd).output(y);
    }

    /** running = momentum * batch + (1 - momentum) * running, PyTorch's operation order. */
    private static void updateRunning(INDArray running, INDArray batch, double momentum) {
        INDArray b = batch.castTo(running.dataType());
        INDArray kept = running.mul(1 - momentum);
        INDArray updated = b.mul(momentum).addi(kept);
        running.assign(updated);
        Arrays.release(kept, updated);
        if (b != batch) Arrays.release(b);
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        long c = invStd.length();
        long[] shape = normalized.shape();
        double m = (double) shape[0] * shape[2] * shape[3];
        INDArray gXhat = g.mul(normalized);
        INDArray dw = Arrays.sum(gXhat, 0, 2, 3);        // sum(g * xhat) per channel
        INDArray db = Arrays.sum(g, 0, 2, 3);            // sum(g) per channel
        INDArray dx = null;
        if (needs(0)) {
            // With dxhat = g * weight the sums above scale by weight: sum(dxhat) = weight * db, sum(dxhat xhat) = weight * dw.
            INDArray k = invStd.mul(weight);                                   // invstd * weight
            INDArray a = k.mul(dw).divi(m);                                    // coefficient of xhat
            INDArray b = k.mul(db).divi(m);                                    // constant term
            dx = g.mul(k.reshape(1, c, 1, 1).broadcast(shape))
                    .subi(normalized.mul(a.reshape(1, c, 1, 1).broadcast(shape)))
                    .subi(b.reshape(1, c, 1, 1).broadcast(shape));
            Arrays.release(k, a, b);
        }
        Arrays.release(gXhat);
        if (!needs(1)) {
            Arrays.release(dw);
            dw = null;
        }
        if (!needs(2)) {
            Arrays.release(db);
            db = null;
        }
        return new INDArray[]{dx, dw, db};
    }

    @Override
    protected void release() {
        Arrays.release(normalized, invStd);
    }
}
