package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.Arrays;
import io.pixelgrad.engine.MaxPoolResult;
import io.pixelgrad.engine.PoolSpec;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max-pooling that remembers where each maximum came from. Backward (and the deconvnet's "unpooling") sends each
 * output's gradient to its switch; where windows overlap the contributions add.
 */
public final class MaxPool2d extends Function {

    private final INDArray switches;  // plane index of the winner of each window: the "switch variables"
    private final long[] inputShape;
    private final PoolSpec spec;

    private MaxPool2d(Tensor x, INDArray switches, PoolSpec spec) {
        super(x);
        this.switches = switches;
        this.inputShape = x.shape();
        this.spec = spec;
    }

    /** Max over each window of x (padding counts as -inf). */
    public static Tensor apply(Tensor x, PoolSpec spec) {
        if (!x.requiresGrad()) {
            // No backward pass will come through here (occlusion batches, plain forward passes): no switches needed.
            return new MaxPool2d(x, null, spec).output(KERNELS.maxPool2dValues(x.value(), spec));
        }
        MaxPoolResult r = KERNELS.maxPool2d(x.value(), spec);
        return new MaxPool2d(x, r.switches(), spec).output(r.output());
    }

    /**
     * The switches: for each output, the row-major index of its maximum within the input plane (INT64); null when
     * the input needed no gradient, so no backward pass could use them.
     */
    public INDArray switches() {
        return switches;
    }

    /** The window: kernel, stride, padding and dilation. */
    public PoolSpec spec() {
        return spec;
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        return new INDArray[]{KERNELS.maxUnpoolAdd(g, switches, inputShape, spec)};
    }

    /**
     * After a ReLU, with windows that do not overlap and a built-in rule: the rule taken at the pooled values as the
     * gradient is unpooled ({@code Kernels.maxUnpoolReluBackward}), without a pass over the ReLU's large gradient.
     * Overlapping windows add two gradients at one winner before the rule, which the guided and deconvnet rules do not
     * commute with; a rule of one's own may look at more than the sign; both take the two steps.
     */
    @Override
    protected INDArray[] backwardThroughCreatorOfInput(INDArray g, INDArray output, ReluRule rule) {
        boolean standard = rule == ReluRule.STANDARD, guided = rule == ReluRule.GUIDED;
        if (!(inputs()[0].creator() instanceof Relu) || !spec.windowsDisjoint() || !(standard || guided || rule == ReluRule.DECONVNET))
            return null;
        return new INDArray[]{KERNELS.maxUnpoolReluBackward(g, output, switches, inputShape, spec, !standard, standard || guided)};
    }

    @Override
    protected void release() {
        Arrays.release(switches);
    }
}
