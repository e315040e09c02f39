package io.pixelgrad.vis;

import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saliency, guided backprop and deconvnet are one computation, the gradient of a score with respect to the pixels,
 * differing only in how gradients pass back through ReLUs. This class is that computation, for a class score or
 * for a single feature of a layer (the deconvnet projection).
 */
public abstract class RuleGradient implements GradientMethod {

    private final Module model;
    private final ReluRule rule;

    /** A method on this model with this ReLU backward rule. */
    protected RuleGradient(Module model, ReluRule rule) {
        this.model = model;
        this.rule = rule;
    }

    @Override
    public Module model() {
        return model;
    }

    /** The ReLU backward rule of this method. */
    public ReluRule rule() {
        return rule;
    }

    @Override
    public INDArray gradient(INDArray batch, int targetClass) {
        return Passes.inputGradient(model, batch, targetClass, rule);
    }

    @Override
    public Attribution attribute(INDArray input, Target target) {
        INDArray x = Passes.asBatchOfOne(model, input);
        if (target instanceof Target.Feature f) return project(x, f);
        try (Tape tape = new Tape()) {
            Tensor xt = tape.input(x);
            return classGradient(tape, xt, model.forward(xt), x, target);
        }
    }

    /**
     * The same attribution of a class score as {@link #attribute(INDArray, Target)}, from a recorded forward pass of
     * this method's model: only the backward pass runs, and its gradients are freed before returning. Bitwise equal
     * to the attribution from the image itself.
     */
    public Attribution attribute(RecordedForward recorded, Target target) {
        if (recorded.model() != model) throw new IllegalArgumentException("the recorded pass is of another model");
        return recorded.use(r -> classGradient(r.tape(), r.input(), r.logits(), r.batch(), target));
    }

    /**
     * The gradient of the target class's score at the input leaf xt of x, from logits already on the tape: one forward
     * pass serves both choosing the top class and the backward pass. The pass's gradients are freed before returning,
     * so a tape kept for many passes does not grow.
     */
    private Attribution classGradient(Tape tape, Tensor xt, Tensor logits, INDArray x, Target target) {
        int cls = Passes.resolveClass(target, logits.value());
        INDArray seed = Passes.oneHot(logits.value(), cls);
        Gradients grads = null;
        try {
            grads = tape.backwardToLeaves(logits, seed, rule);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("relu_rule", rule.name());
            return gradientResult(name(), Passes.values(grads.of(xt)), x, cls, null, p);
        } finally {
            if (grads != null) grads.release();
            io.pixelgrad.engine.Arrays.release(seed);
        }
    }

    /**
     * The projection of one activation to the pixels: at the layer, keep only the chosen unit (default the strongest),
     * seed its gradient with its own value, zero elsewhere, and propagate back with this method's rule.
     */
    public Attribution project(INDArray input, Target.Feature feature) {
        INDArray x = Passes.asBatchOfOne(model, input);
        Passes.requireLayer(model, feature.layer());
        try (Tape tape = new Tape()) {
            tape.watch(feature.layer());
            Tensor xt = tape.input(x);
            // Only the layers up to the projected one are needed.
            Tensor at = model instanceof Classifier c ? c.forwardTo(xt, feature.layer()) : forwardAll(xt, feature.layer());
            double[] act = Passes.values(at.value());
            long[] s = at.shape();
            int channels = (int) s[1];
            int plane = act.length / channels;   // 1 for a fully connected layer
            int width = s.length == 4 ? (int) s[3] : 1;
            int index = strongest(act, feature, channels, plane, width, s);
            INDArray seed = tape.own(Nd4j.zeros(at.dataType(), s));
            seed.putScalar(unravel(index, s), act[index]);
            Gradients grads = tape.backward(at, seed, rule);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("relu_rule", rule.name());
            p.put("channel", index / plane);
            if (s.length == 4) {
                p.put("y", (index % plane) / width);
                p.put("x", index % width);
            }
            p.put("activation", act[index]);
            return gradientResult(name() + "_feature", Passes.values(grads.of(xt)), x, -1, feature.layer(), p);
        }
    }

    private Tensor forwardAll(Tensor xt, String layer) {
        model.forward(xt);
        return xt.tape().output(layer);
    }

    /** The flat index (within sample 0) of the unit to project, after checking the channel and position. */
    private static int strongest(double[] act, Target.Feature f, int channels, int plane, int width, long[] shape) {
        if (f.channel() != null && (f.channel() < 0 || f.channel() >= channels))
            throw new IllegalArgumentException("channel " + f.channel() + " out of range: layer " + f.layer() + " has "
                    + channels + " channels (0.." + (channels - 1) + ")");
        if (f.y() != null) {
            if (f.channel() == null) throw new IllegalArgumentException("a position needs a channel");
            int h = plane / width;
            if (shape.length != 4 || f.y() < 0 || f.y() >= h || f.x() < 0 || f.x() >= width)
                throw new IllegalArgumentException("position (" + f.y() + ", " + f.x() + ") out of range: layer "
                        + f.layer() + " output is " + java.util.Arrays.toString(shape));
            return f.channel() * plane + f.y() * width + f.x();
        }
        int from = f.channel() == null ? 0 : f.channel() * plane;
        int to = f.channel() == null ? channels * plane : from + plane;
        int best = from;
        for (int i = from + 1; i < to; i++) if (act[i] > act[best]) best = i;   // first maximum wins, as argmax
        return best;
    }

    private static long[] unravel(int index, long[] shape) {
        long[] at = new long[shape.length];
        for (int d = shape.length - 1; d >= 1; d--) {
            at[d] = index % shape[d];
            index /= (int) shape[d];
        }
        return at;
    }

    /** Wraps a [C,H,W] gradient of a one-image input [1,C,H,W] as a result in the input's data type. */
    static Attribution gradientResult(String method, double[] g, INDArray x, int cls, String layer, Map<String, Object> p) {
        int c = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
        return new Attribution(method, Attribution.Kind.INPUT_GRADIENT, x.dataType(), g, new int[]{c, h, w}, null, null,
                cls, layer, h, w, p);
    }
}
