package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch normalization with torchvision's state: weight, bias, running_mean, running_var, num_batches_tracked. At
 * inference it uses the running statistics; in training mode ({@link Module#train}) each batch's own, and it updates
 * the running ones as PyTorch does (momentum 0.1, unbiased variance) and counts the batch.
 */
public final class BatchNorm2d extends Module {

    private final Parameter weight, bias;
    private final int channels;
    private final double eps;
    /** PyTorch's default weight of a new batch in the running statistics. */
    private static final double MOMENTUM = 0.1;

    /** Identity-initialized batch norm over the given number of channels, eps 1e-5. */
    public BatchNorm2d(int channels) {
        this.channels = channels;
        this.eps = 1e-5;
        this.weight = addParameter("weight", Nd4j.ones(DataType.FLOAT, channels));
        this.bias = addParameter("bias", Nd4j.zeros(DataType.FLOAT, channels));
        addBuffer("running_mean", Nd4j.zeros(DataType.FLOAT, channels));
        addBuffer("running_var", Nd4j.ones(DataType.FLOAT, channels));
        addBuffer("num_batches_tracked", Nd4j.scalar(0L));
    }

    @Override
    protected Tensor compute(Tensor x) {
        if (isTraining()) {
            Tensor y = io.pixelgrad.autograd.functions.BatchNorm2dTraining.apply(x, weight.tensor(), bias.tensor(), eps,
                    buffer("running_mean"), buffer("running_var"), MOMENTUM);
            INDArray count = buffer("num_batches_tracked");
            count.assign(count.getLong(0) + 1);
            return y;
        }
        return io.pixelgrad.autograd.functions.BatchNorm2d.apply(x, weight.tensor(), bias.tensor(),
                buffer("running_mean"), buffer("running_var"), eps);
    }

    @Override
    public String describe() {
        return "BatchNorm2d(" + channels + ")";
    }
}
