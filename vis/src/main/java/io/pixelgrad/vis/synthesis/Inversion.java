package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.MaxPool2d;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.nn.ReLU;
import io.pixelgrad.autograd.optim.Adam;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Feature inversion (Mahendran and Vedaldi 2015): the model input x whose representation at a layer matches a photo's,
 * found by input optimization from noise. The loss is
 * <pre>
 *   |phi(x) - phi0|^2 / |phi0|^2  +  l_alpha * sum |x|^6  +  l_tv * TV_2(I)
 * </pre>
 * with phi0 the photo's representation, the alpha-norm on the model input x (normalized space) and the total
 * variation on the picture I = x * std + mean; the loop maximizes its negative. What the reconstruction keeps (and
 * the normalized error that remains) shows how much of the image a layer still holds.
 */
public final class Inversion {

    /** Default weight of sum |x|^6 on the model input (see docs/techniques.md for how it was chosen). */
    public static final double ALPHA_WEIGHT = 1e-7;
    /** Default weight of TV_2 on the picture. */
    public static final double TV_WEIGHT = 1e-4;
    /** Default Adam learning rate (normalized input units). */
    public static final double LR = 0.05;
    /** Default number of steps. */
    public static final int STEPS = 200;
    /** Standard deviation of the starting noise in normalized units. */
    public static final double NOISE = 0.1;

    private Inversion() {
    }

    /** The objective -(distance + l_alpha * alpha(6) + l_tv * tv(2)) for a target representation phi0 of a layer. */
    public static Objective objective(String layer, INDArray phi0, double alphaWeight, double tvWeight) {
        Objective loss = Objective.featureDistance(layer, phi0);
        if (alphaWeight != 0) loss = loss.plus(Objective.alphaNorm(6).times(alphaWeight));
        if (tvWeight != 0) loss = loss.plus(Objective.tv(2).times(tvWeight));
        return loss.negate();
    }

    /** The output of a layer for a model input x [N,C,H,W] (a detached, dense new array). */
    public static INDArray representation(Module model, INDArray x, String layer) {
        return representations(model, x, List.of(layer)).get(layer);
    }

    /** The outputs of several layers for a model input x, by layer (detached, dense new arrays); one forward pass. */
    public static Map<String, INDArray> representations(Module model, INDArray x, Collection<String> layers) {
        for (String l : layers) io.pixelgrad.vis.Passes.requireLayer(model, l);
        Map<String, INDArray> out = new LinkedHashMap<>();
        try (Tape tape = new Tape()) {
            tape.watch(layers.toArray(new String[0]));
            Tensor in = tape.constant(x);
            String last = null;
            for (String name : model.modules().keySet()) if (layers.contains(name)) last = name;
            if (model instanceof Classifier c) c.forwardTo(in, last);
            else model.forward(in);
            for (String l : layers) out.put(l, tape.output(l).value().dup('c'));
        }
        return out;
    }

    /** Starting noise: sigma * N(0,1), one nextGaussian per value, row-major. */
    public static INDArray noise(long[] shape, double sigma, Random random, DataType type) {
        double[] v = new double[(int) io.pixelgrad.engine.Arrays.length(shape)];
        for (int i = 0; i < v.length; i++) v[i] = sigma * random.nextGaussian();
        return io.pixelgrad.vis.Passes.array(v, type, shape);
    }

    /**
     * The loop that inverts a layer's representation of the model input x [1,C,H,W], with Adam ({@link #LR}) over the
     * model input, from noise drawn from the seed ({@link #NOISE}); {@link #STEPS} steps. The space must not resize
     * (minimum side 0), so that the alpha-norm acts on x itself. phi0 (from {@link #representation}) must stay alive.
     */
    public static RenderLoop of(Module model, InputSpace space, INDArray phi0, String layer, int channels, int height, int width,
                                double alphaWeight, double tvWeight, long seed) {
        if (space.minSide() != 0) throw new IllegalArgumentException("inversion works at the picture's own size: use an input space without resizing");
        ImageParam param = ImageParam.input(1, channels, height, width, space);
        INDArray start = noise(param.shape(), NOISE, new Random(seed), model.dataType());
        return RenderLoop.of(model, space, param, objective(layer, phi0, alphaWeight, tvWeight))
                .start(start)
                .seed(seed)
                .steps(STEPS)
                .optimizer(p -> Adam.builder(p).lr(LR).build());
    }

    /** The normalized error |phi(x) - phi0|^2 / |phi0|^2 of a model input x. */
    public static double error(Module model, INDArray x, String layer, INDArray phi0) {
        INDArray phi = representation(model, x, layer);
        double d = phi.distance2(phi0), n = phi0.norm2Number().doubleValue();
        io.pixelgrad.engine.Arrays.release(phi);
        return d * d / (n * n);
    }

    /** Every ReLU and max-pool module of a model, in forward order: the layers `--layers all` inverts. */
    public static List<String> reluAndPoolLayers(Module model) {
        List<String> out = new ArrayList<>();
        model.modules().forEach((name, m) -> {
            if (m instanceof ReLU || m instanceof MaxPool2d) out.add(name);
        });
        return out;
    }
}
