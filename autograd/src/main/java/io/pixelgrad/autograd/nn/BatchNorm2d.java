package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Batch normalization at inference, with torchvision's state: weight, bias, running_mean, running_var, num_batches_tracked. */
public final class BatchNorm2d extends Module {

    private final Parameter weight, bias;
    private final int channels;
    private final double eps;

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
        return io.pixelgrad.autograd.functions.BatchNorm2d.apply(x, weight.tensor(), bias.tensor(),
                buffer("running_mean"), buffer("running_var"), eps);
    }

    @Override
    public String describe() {
        return "BatchNorm2d(" + channels + ")";
    }
}
