package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.ConvSpec;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * A value to maximize, computed from one forward pass: objectives add, subtract and scale
 * ({@code channel("features.28", 12).minus(diversity("features.20").times(100))}), as in Lucid and Lucent.
 * docs/techniques.md defines each one. A = the output of the named module (before its ReLU for a conv layer).
 */
public final class Objective {

    private final String text;
    private final Set<String> layers;
    private final boolean needsLogits;
    private final Function<Activations, Tensor> value;

    private Objective(String text, Set<String> layers, boolean needsLogits, Function<Activations, Tensor> value) {
        this.text = text;
        this.layers = Set.copyOf(layers);
        this.needsLogits = needsLogits;
        this.value = value;
    }

    /** The scalar value for one forward pass (a tensor of one element on the pass's tape). */
    public Tensor value(Activations a) {
        return value.apply(a);
    }

    /** The modules whose outputs this objective reads. */
    public Set<String> layers() {
        return layers;
    }

    /** Whether the objective reads the logits (so the forward pass must run to the end). */
    public boolean needsLogits() {
        return needsLogits;
    }

    /** This objective plus another. */
    public Objective plus(Objective other) {
        return new Objective(text + " + " + other.text, union(layers, other.layers), needsLogits || other.needsLogits,
                a -> F.add(value.apply(a), other.value.apply(a)));
    }

    /** This objective minus another. */
    public Objective minus(Objective other) {
        return new Objective(text + " - " + wrap(other.text), union(layers, other.layers), needsLogits || other.needsLogits,
                a -> F.sub(value.apply(a), other.value.apply(a)));
    }

    /** This objective times a number. */
    public Objective times(double k) {
        return new Objective(number(k) + "*" + wrap(text), layers, needsLogits, a -> F.mul(value.apply(a), k));
    }

    /** Minus this objective. */
    public Objective negate() {
        return times(-1);
    }

    /** The sum of objectives (at least one). */
    public static Objective sum(java.util.List<Objective> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("a sum needs at least one objective");
        Objective o = parts.get(0);
        for (int i = 1; i < parts.size(); i++) o = o.plus(parts.get(i));
        return o;
    }

    // ------------------------------------------------------------------------------------------ unit objectives

    /** channel L:c = mean over batch and positions of A[:, c]. */
    public static Objective channel(String layer, int c) {
        return new Objective(layer + ":" + c, Set.of(layer), false, a -> F.mean(channelOf(a.layer(layer), layer, c)));
    }

    /** channel L:c on picture b of the batch only: the mean over positions of A[b, c] (one picture per unit in a grid). */
    public static Objective channel(String layer, int c, int batch) {
        return new Objective("channel(" + layer + ", " + c + ", batch " + batch + ")", Set.of(layer), false,
                a -> F.mean(channelOf(pictureOf(a.layer(layer), batch), layer, c)));
    }

    /** neuron L:c@y,x = mean over the batch of A[:, c, y, x]; the centre (H/2, W/2) when y and x are null. */
    public static Objective neuron(String layer, int c, Integer y, Integer x) {
        String where = y == null ? "" : "@" + y + "," + x;
        return new Objective(layer + ":" + c + where, Set.of(layer), false, a -> {
            Tensor t = channelOf(a.layer(layer), layer, c);
            if (t.rank() == 2) return F.mean(t);    // a fully connected layer: the unit is the channel
            int row = y == null ? (int) t.size(2) / 2 : y, col = x == null ? (int) t.size(3) / 2 : x;
            if (row < 0 || row >= t.size(2) || col < 0 || col >= t.size(3))
                throw new IllegalArgumentException("position " + row + "," + col + " is outside layer " + layer + " ("
                        + t.size(2) + "x" + t.size(3) + ")");
            return F.mean(F.crop(t, row, col, 1, 1));
        });
    }

    /** class k = mean over the batch of the logit of class k. */
    public static Objective classLogit(int k) {
        return new Objective("class(" + k + ")", Set.of(), true, a -> {
            Tensor l = a.logits();
            if (k < 0 || k >= l.size(1))
                throw new IllegalArgumentException("class " + k + " out of range: the model has " + l.size(1) + " classes");
            return F.mean(F.slice(l, 1, k, k + 1));
        });
    }

    /** layer L (DeepDream) = mean of A^2 over every element. */
    public static Objective layer(String layer) {
        return new Objective("layer(" + layer + ")", Set.of(layer), false, a -> F.mean(F.square(a.layer(layer))));
    }

    /** direction L:v = mean over batch and positions of the dot product of A[:, :, y, x] with v (one value per channel). */
    public static Objective direction(String layer, double[] v) {
        return new Objective("direction(" + layer + ")", Set.of(layer), false, a -> {
            Tensor t = a.layer(layer);
            if (t.size(1) != v.length)
                throw new IllegalArgumentException("direction has " + v.length + " values, layer " + layer + " has " + t.size(1) + " channels");
            long[] shape = t.rank() == 4 ? new long[]{1, v.length, 1, 1} : new long[]{1, v.length};
            INDArray d = a.tape().own(Nd4j.create(v, shape, 'c').castTo(t.dataType()));
            return F.mean(F.sum(F.mul(t, a.tape().constant(d)), 1));
        });
    }

    /**
     * diversity L = (1/N) sum over pairs i != j of &lt;G_i/|G_i|, G_j/|G_j|&gt;, G_b = F_b F_b^T (C x C over positions): how
     * alike the batch's pictures are in style. Use it with a negative weight, over a batch of N pictures.
     */
    public static Objective diversity(String layer) {
        return new Objective("diversity(" + layer + ")", Set.of(layer), false, a -> {
            Tensor t = a.layer(layer);
            int n = (int) t.size(0);
            if (n < 2) throw new IllegalArgumentException("diversity compares the pictures of a batch: it needs at least 2, not " + n);
            long c = t.size(1), positions = t.rank() == 4 ? t.size(2) * t.size(3) : 1;
            Tensor total = null, squares = null;
            for (int b = 0; b < n; b++) {
                Tensor f = F.reshape(F.slice(t, 0, b, b + 1), c, positions);
                Tensor gram = F.linear(f, f, null);                                   // F F^T, [C, C]
                Tensor norm = F.pow(F.add(F.sum(F.square(gram)), 1e-24), 0.5);        // |G|, kept away from 0
                Tensor unit = F.div(gram, norm);
                total = total == null ? unit : F.add(total, unit);
                Tensor sq = F.sum(F.square(unit));
                squares = squares == null ? sq : F.add(squares, sq);
            }
            // sum_{i != j} <u_i, u_j> = |sum_i u_i|^2 - sum_i |u_i|^2
            return F.mul(F.sub(F.sum(F.square(total)), squares), 1.0 / n);
        });
    }

    // ------------------------------------------------------------------------------------------ inversion, style, attacks

    /**
     * The normalized feature distance |A - phi0|^2 / |phi0|^2 of a layer's output to a target (Mahendran and Vedaldi's
     * data term; a loss: subtract it). The target is a detached array of A's shape and type, kept alive by the caller.
     */
    public static Objective featureDistance(String layer, INDArray phi0) {
        double norm = phi0.norm2Number().doubleValue();
        if (!(norm > 0)) throw new IllegalArgumentException("the target representation of " + layer + " is all zeros: nothing to invert");
        double scale = 1 / (norm * norm);
        return new Objective("distance(" + layer + ")", Set.of(layer), false, a -> {
            Tensor t = a.layer(layer);
            requireShape(t, phi0, layer);
            return F.mul(F.sum(F.square(F.sub(t, a.tape().constant(phi0)))), scale);
        });
    }

    /**
     * Gatys' style term of a layer: mean((G - A)^2) over the C x C entries, G = F F^T / (C H W) the Gram matrix of the
     * output F [1,C,H,W] seen as C rows of H W positions, A a target Gram matrix [C,C] (a loss: subtract it).
     */
    public static Objective gramDistance(String layer, INDArray target) {
        return new Objective("gram(" + layer + ")", Set.of(layer), false, a -> {
            Tensor g = gram(a.layer(layer));
            requireShape(g, target, layer);
            return F.mean(F.square(F.sub(g, a.tape().constant(target))));
        });
    }

    /** The content term of a layer: mean((F - P)^2) over its output F and a target P of the same shape (a loss). */
    public static Objective contentDistance(String layer, INDArray target) {
        return new Objective("content(" + layer + ")", Set.of(layer), false, a -> {
            Tensor t = a.layer(layer);
            requireShape(t, target, layer);
            return F.mean(F.square(F.sub(t, a.tape().constant(target))));
        });
    }

    /**
     * The Gram matrix of one picture's features [1,C,H,W] (or [1,C]): G = F F^T / (C H W), [C,C], on F's tape, as the
     * PyTorch style tutorial computes it.
     */
    public static Tensor gram(Tensor features) {
        if (features.size(0) != 1)
            throw new IllegalArgumentException("a Gram matrix is taken over one picture, not a batch of " + features.size(0));
        long c = features.size(1), positions = features.rank() == 4 ? features.size(2) * features.size(3) : 1;
        Tensor f = F.reshape(features, c, positions);
        return F.mul(F.linear(f, f, null), 1.0 / (c * positions));
    }

    /**
     * log p(k) = mean over the batch of log_softmax(logits)[k]: minus the cross-entropy of class k. Maximized, it makes
     * the network sure of k (targeted attacks, fooling pictures); subtracted, it is the cross-entropy an untargeted
     * attack climbs.
     */
    public static Objective logProbability(int k) {
        return new Objective("logp(" + k + ")", Set.of(), true, a -> {
            Tensor l = a.logits();
            if (k < 0 || k >= l.size(1))
                throw new IllegalArgumentException("class " + k + " out of range: the model has " + l.size(1) + " classes");
            return F.mean(F.slice(F.logSoftmax(l), 1, k, k + 1));
        });
    }

    private static void requireShape(Tensor t, INDArray target, String layer) {
        if (!java.util.Arrays.equals(t.shape(), target.shape()))
            throw new IllegalArgumentException("layer " + layer + " gives " + java.util.Arrays.toString(t.shape()) + ", the target is "
                    + java.util.Arrays.toString(target.shape()));
    }

    // ------------------------------------------------------------------------------------------ penalties

    /** l1 = sum |I - 0.5| over the picture. */
    public static Objective l1() {
        return new Objective("l1()", Set.of(), false, a -> F.sum(F.abs(F.add(a.picture(), -0.5))));
    }

    /** l2 = sum (I - 0.5)^2 over the picture. */
    public static Objective l2() {
        return new Objective("l2()", Set.of(), false, a -> F.sum(F.square(F.add(a.picture(), -0.5))));
    }

    /**
     * tv(beta) = sum over positions with both a right and a lower neighbour of
     * ((I[i,j+1] - I[i,j])^2 + (I[i+1,j] - I[i,j])^2)^(beta/2), over every picture and channel.
     */
    public static Objective tv(double beta) {
        return new Objective("tv(" + number(beta) + ")", Set.of(), false, a -> {
            Tensor p = a.picture();
            long h = p.size(2), w = p.size(3);
            Tensor base = F.crop(p, 0, 0, h - 1, w - 1);
            Tensor right = F.sub(F.crop(p, 0, 1, h - 1, w - 1), base), down = F.sub(F.crop(p, 1, 0, h - 1, w - 1), base);
            Tensor sq = F.add(F.square(right), F.square(down));
            return F.sum(beta == 2 ? sq : F.pow(sq, beta / 2));
        });
    }

    /** The sum of squares of the model input x: Simonyan et al.'s class-model penalty (lambda * sum x^2). */
    public static Objective inputSquares() {
        return new Objective("xl2()", Set.of(), false, a -> F.sum(F.square(a.input())));
    }

    /** alpha-norm = sum |x|^alpha over the model input x (alpha 6 in Mahendran and Vedaldi). */
    public static Objective alphaNorm(double alpha) {
        return new Objective("alpha(" + number(alpha) + ")", Set.of(), false, a -> F.sum(F.pow(F.abs(a.input()), alpha)));
    }

    /**
     * blur = 0.5 sum (I - sg(blur3(I)))^2 with Lucid's 3x3 kernel (edges 0.5, centre 1, normalized by the blur of ones):
     * subtracted, it pulls the picture towards its own blur (sg: the blur is a constant for the gradient).
     */
    public static Objective blur() {
        return new Objective("blur()", Set.of(), false, a -> {
            Tensor p = a.picture();
            INDArray target = a.tape().own(blur3(p.value()));
            return F.mul(F.sum(F.square(F.sub(p, a.tape().constant(target)))), 0.5);
        });
    }

    /** Lucid's 3x3 per-channel blur of [N,C,H,W] values, zero-padded and divided by the blur of ones (a new array). */
    static INDArray blur3(INDArray x) {
        long c = x.size(1);
        double[] k = {0.5, 0.5, 0.5, 0.5, 1, 0.5, 0.5, 0.5, 0.5};
        double[] w = new double[(int) (c * 9)];
        for (int i = 0; i < c; i++) System.arraycopy(k, 0, w, i * 9, 9);
        INDArray weight = Nd4j.create(w, new long[]{c, 1, 3, 3}, 'c').castTo(x.dataType());
        ConvSpec spec = new ConvSpec(1, 1, 1, 1, 1, 1, (int) c);
        Tensor blurred = F.conv2d(Tensor.constant(x), Tensor.constant(weight), null, spec);
        INDArray ones = Nd4j.ones(x.dataType(), 1, c, x.size(2), x.size(3));
        Tensor norm = F.conv2d(Tensor.constant(ones), Tensor.constant(weight), null, spec);
        INDArray out = blurred.value().div(norm.value()).dup('c');
        io.pixelgrad.engine.Arrays.release(weight, ones, blurred.value(), norm.value());
        return out;
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static Tensor channelOf(Tensor t, String layer, int c) {
        if (c < 0 || c >= t.size(1))
            throw new IllegalArgumentException("channel " + c + " out of range: layer " + layer + " has " + t.size(1)
                    + " channels (0.." + (t.size(1) - 1) + ")");
        return F.slice(t, 1, c, c + 1);
    }

    private static Tensor pictureOf(Tensor t, int b) {
        if (b < 0 || b >= t.size(0)) throw new IllegalArgumentException("picture " + b + " is not in a batch of " + t.size(0));
        return F.slice(t, 0, b, b + 1);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new LinkedHashSet<>(a);
        u.addAll(b);
        return u;
    }

    private static String wrap(String t) {
        return t.contains(" ") ? "(" + t + ")" : t;
    }

    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** The objective as text (parseable by {@link ObjectiveParser}). */
    @Override
    public String toString() {
        return text;
    }
}
