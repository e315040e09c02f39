package io.pixelgrad.autograd;

import io.pixelgrad.engine.ConvSpec;
import io.pixelgrad.engine.PoolSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Random;

import static io.pixelgrad.autograd.GradientCheck.check;

/** Finite-difference checks in float64 of every differentiable function, on odd shapes and awkward geometry. */
class GradientCheckTest {

    private static final double TOL = 1e-6;
    private final Random random = new Random(2024);

    private INDArray randn(long... shape) {
        return GradientCheck.randn(random, shape);
    }

    /** Values at least 0.05 away from zero and distinct, so kinks (ReLU, max, |x|) are not crossed by h. */
    private INDArray awayFromKinks(long... shape) {
        INDArray x = randn(shape);
        INDArray sign = Transforms.sign(x, true);
        return x.addi(sign.mul(0.05));
    }

    @Test
    void convolution() {
        ConvSpec[] specs = {ConvSpec.of(1, 0), ConvSpec.of(2, 1), ConvSpec.of(3, 2), ConvSpec.of(1, 1, 2, 1),
                ConvSpec.of(2, 1, 1, 3), new ConvSpec(2, 1, 2, 0, 2, 1, 1)};
        for (ConvSpec spec : specs) {
            int groups = spec.groups();
            check("conv " + spec, t -> F.conv2d(t[0], t[1], t[2], spec), TOL,
                    randn(2, 3 * groups, 9, 8), randn(2 * groups, 3, 3, 2), randn(2 * groups));
        }
        check("conv without bias", t -> F.conv2d(t[0], t[1], null, ConvSpec.of(4, 2)), TOL, randn(1, 3, 13, 15), randn(4, 3, 5, 5));
    }

    @Test
    void reluAndPooling() {
        check("relu", t -> F.relu(t[0]), TOL, awayFromKinks(2, 3, 5, 5));
        for (PoolSpec spec : new PoolSpec[]{PoolSpec.of(2, 2), PoolSpec.of(3, 2), PoolSpec.of(3, 2, 1), PoolSpec.of(3, 1, 1),
                new PoolSpec(2, 3, 1, 2, 1, 1, 1, 1), new PoolSpec(2, 2, 1, 1, 0, 0, 2, 2)}) {
            check("maxpool " + spec, t -> F.maxPool2d(t[0], spec), TOL, randn(2, 2, 9, 7));
            check("avgpool " + spec, t -> F.avgPool2d(t[0], spec), TOL, randn(2, 2, 9, 7));
        }
        check("adaptive 7->3, 10->4", t -> F.adaptiveAvgPool2d(t[0], 3, 4), TOL, randn(2, 3, 7, 10));
        check("adaptive 12->6", t -> F.adaptiveAvgPool2d(t[0], 6, 6), TOL, randn(1, 2, 12, 12));
    }

    @Test
    void layers() {
        check("linear", t -> F.linear(t[0], t[1], t[2]), TOL, randn(3, 7), randn(5, 7), randn(5));
        check("flatten", t -> F.flatten(t[0]), TOL, randn(2, 3, 4, 5));
        check("reshape", t -> F.reshape(t[0], 6, -1), TOL, randn(2, 3, 4, 5));
        check("dropout", t -> F.dropout(t[0], 0.5, new Random(1)), TOL, randn(4, 6));
        boolean[] keep = {true, false, false, true, true, true, false, true, true, false, true, true};
        check("dropout with a mask", t -> F.dropout(t[0], 0.3, keep), TOL, randn(3, 4));
        check("batchnorm training", t -> F.batchNormTraining(t[0], t[1], t[2], Nd4j.zeros(3), Nd4j.ones(3), 0.1, 1e-5), TOL,
                randn(2, 3, 4, 5), randn(3), randn(3));
        INDArray mean = randn(3), var = Transforms.abs(randn(3)).addi(0.5);
        check("batchnorm", t -> F.batchNorm(t[0], t[1], t[2], mean, var, 1e-5), TOL, randn(2, 3, 4, 5), randn(3), randn(3));
        check("lrn 5", t -> F.lrn(t[0], 5, 0.1, 0.75, 1), TOL, randn(2, 7, 3, 3));
        check("lrn 4", t -> F.lrn(t[0], 4, 0.3, 0.6, 2), TOL, randn(1, 6, 2, 3));
    }

    @Test
    void arithmetic() {
        check("add broadcast", t -> F.add(t[0], t[1]), TOL, randn(2, 3, 4), randn(3, 1));
        check("sub broadcast", t -> F.sub(t[0], t[1]), TOL, randn(4), randn(2, 3, 4));
        check("mul broadcast", t -> F.mul(t[0], t[1]), TOL, randn(2, 3, 4), randn(1, 3, 1));
        check("div", t -> F.div(t[0], t[1]), TOL, randn(2, 3), Transforms.abs(randn(2, 3)).addi(0.5));
        check("affine", t -> F.affine(t[0], -2.5, 3), TOL, randn(3, 4));
        check("sum all", t -> F.sum(t[0]), TOL, randn(3, 4));
        check("sum dims", t -> F.sum(t[0], 1, 3), TOL, randn(2, 3, 4, 5));
        check("mean", t -> F.mean(t[0], 0, 2), TOL, randn(2, 3, 4));
        check("mean all", t -> F.mean(t[0]), TOL, randn(2, 3, 4));
        check("square", t -> F.square(t[0]), TOL, randn(3, 4));
        check("pow 3", t -> F.pow(t[0], 3), TOL, randn(3, 4));
        check("pow 6 of |x|", t -> F.pow(F.abs(t[0]), 6), 1e-5, awayFromKinks(3, 4));
        check("abs", t -> F.abs(t[0]), TOL, awayFromKinks(3, 4));
        check("exp", t -> F.exp(t[0]), TOL, randn(3, 4));
        check("log", t -> F.log(t[0]), TOL, Transforms.abs(randn(3, 4)).addi(0.3));
        check("sigmoid", t -> F.sigmoid(t[0]), TOL, randn(3, 4));
        check("tanh", t -> F.tanh(t[0]), TOL, randn(3, 4));
        check("softmax", t -> F.softmax(t[0]), TOL, randn(3, 7));
        check("log-softmax", t -> F.logSoftmax(t[0]), TOL, randn(3, 7));
        check("nll loss", t -> F.nllLoss(t[0], new int[]{2, 0, 6}), TOL, randn(3, 7));
        check("cross-entropy", t -> F.crossEntropy(t[0], new int[]{4, 4, 1, 0}), TOL, randn(4, 5));
    }

    @Test
    void geometry() {
        check("pad", t -> F.pad(t[0], 1, 2, 0, 3, 0.5), TOL, randn(2, 2, 3, 4));
        check("slice", t -> F.slice(t[0], 1, 1, 3), TOL, randn(2, 4, 3));
        check("crop", t -> F.crop(t[0], 1, 2, 3, 2), TOL, randn(1, 2, 5, 6));
        check("roll", t -> F.roll(F.roll(t[0], 2, 2), 3, -3), TOL, randn(1, 2, 5, 6));
        check("concat", t -> F.concat(1, t[0], t[1]), TOL, randn(2, 2, 3), randn(2, 4, 3));
        check("resize up", t -> F.resizeBilinear(t[0], 11, 9), TOL, randn(1, 2, 4, 3));
        check("resize down", t -> F.resizeBilinear(t[0], 3, 5), TOL, randn(2, 1, 7, 12));
    }

    @Test
    void inverseRealDft() {
        // any matrices: the backward must be the transpose of the forward map, whatever the plan holds
        var plan = new io.pixelgrad.autograd.functions.InverseRealDft2d.Plan(randn(8, 12), randn(5, 10), randn(1, 40));
        check("inverse real DFT", t -> F.inverseRealDft2d(t[0], plan), TOL, randn(2, 3, 5, 4, 2));
        check("inverse real DFT, one plane", t -> F.inverseRealDft2d(t[0], plan), TOL, randn(1, 1, 5, 4, 2));
    }

    @Test
    void sharedInputsAccumulate() {
        check("x * x + x", t -> F.add(F.mul(t[0], t[0]), t[0]), TOL, randn(3, 3));
        check("conv relu pool linear", t -> F.linear(F.flatten(F.maxPool2d(F.relu(F.conv2d(t[0], t[1], t[2], ConvSpec.of(1, 1))),
                PoolSpec.of(3, 2))), t[3], null), TOL, randn(1, 2, 7, 7), randn(3, 2, 3, 3), randn(3), randn(4, 27));
    }

    @Test
    void reluRulesFollowTheirDefinitions() {
        INDArray x = Nd4j.createFromArray(new double[]{-1, 0, 2, 3});
        INDArray g = Nd4j.createFromArray(new double[]{5, -7, -2, 4});
        org.junit.jupiter.api.Assertions.assertEquals(Nd4j.createFromArray(new double[]{0, 0, -2, 4}), ReluRule.STANDARD.backward(x, g));
        org.junit.jupiter.api.Assertions.assertEquals(Nd4j.createFromArray(new double[]{0, 0, 0, 4}), ReluRule.GUIDED.backward(x, g));
        org.junit.jupiter.api.Assertions.assertEquals(Nd4j.createFromArray(new double[]{5, 0, 0, 4}), ReluRule.DECONVNET.backward(x, g));
    }
}
