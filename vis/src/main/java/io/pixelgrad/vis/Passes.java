package io.pixelgrad.vis;

import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The forward and backward passes the methods are made of, written once. Every pass runs on its own {@link Tape}
 * that is closed before returning, so what comes back is a detached row-major copy and nothing else stays allocated.
 */
public final class Passes {

    private Passes() {
    }

    /** A [1,C,H,W] view of an input given as [C,H,W] or [1,C,H,W] (C 3, or 1 for grey networks); else a one-line error. */
    public static INDArray asBatchOfOne(INDArray input) {
        long[] s = input.shape();
        if (s.length == 3 && (s[0] == 3 || s[0] == 1)) return input.reshape('c', 1, s[0], s[1], s[2]);
        if (s.length == 4 && s[0] == 1 && (s[1] == 3 || s[1] == 1)) return input;
        throw new IllegalArgumentException("expected one image [1,C,H,W] or [C,H,W] with C 3 or 1, got " + java.util.Arrays.toString(s));
    }

    /** The model's logits for a batch, as a detached float array [N, classes]. */
    public static INDArray logits(Module model, INDArray batch) {
        try (Tape tape = new Tape()) {
            return model.forward(tape.constant(batch)).value().dup('c');
        }
    }

    /** The index of the largest logit of row 0 (first wins on ties, as NumPy's argmax). */
    public static int argmax(INDArray logits) {
        int best = 0;
        for (int i = 1; i < logits.size(1); i++) if (logits.getFloat(0, i) > logits.getFloat(0, best)) best = i;
        return best;
    }

    /** The class a target names, checked against the model's class count; the top class when none is named. */
    public static int resolveClass(Target target, INDArray logits) {
        if (!(target instanceof Target.ClassScore cs))
            throw new IllegalArgumentException("this method explains a class score, not " + target);
        if (cs.index() == null) return argmax(logits);
        if (cs.index() >= logits.size(1))
            throw new IllegalArgumentException("class " + cs.index() + " out of range: the model has " + logits.size(1) + " classes");
        return cs.index();
    }

    /** A seed for backward from the logits: 1 at [n, targetClass] for every row n, 0 elsewhere. */
    public static INDArray oneHot(long rows, long classes, int targetClass) {
        INDArray seed = Nd4j.zeros(DataType.FLOAT, rows, classes);
        for (int n = 0; n < rows; n++) seed.putScalar(new long[]{n, targetClass}, 1f);
        return seed;
    }

    /** d(score of targetClass)/d(input) for every row of a batch under a ReLU rule: a detached [N,C,H,W] array. */
    public static INDArray inputGradient(Module model, INDArray batch, int targetClass, ReluRule rule) {
        try (Tape tape = new Tape()) {
            Tensor x = tape.input(batch);
            Tensor logits = model.forward(x);
            checkClass(targetClass, logits.size(1));
            INDArray seed = tape.own(oneHot(logits.size(0), logits.size(1), targetClass));
            Gradients g = tape.backward(logits, seed, rule);
            return g.of(x).dup('c');
        }
    }

    static void checkClass(int targetClass, long classes) {
        if (targetClass < 0 || targetClass >= classes)
            throw new IllegalArgumentException("class " + targetClass + " out of range: the model has " + classes + " classes");
    }

    /** The values of an array in row-major order (works on any layout, channels-last views included). */
    public static float[] floats(INDArray a) {
        INDArray c = a.dup('c');
        INDArray f = c.dataType() == DataType.FLOAT ? c : c.castTo(DataType.FLOAT);
        float[] v = f.data().asFloat();
        // the copies are ours: free them now instead of waiting for the garbage collector
        Arrays.release(c, f);
        return v.length == a.length() ? v : java.util.Arrays.copyOf(v, (int) a.length());
    }

    /** Reads the values of an array made here and frees it (a batch's gradient, a batch's logits). */
    public static float[] floatsAndRelease(INDArray a) {
        try {
            return floats(a);
        } finally {
            Arrays.release(a);
        }
    }

    /** A new row-major float array of the given shape holding these values. */
    public static INDArray array(float[] values, long... shape) {
        return Nd4j.create(values, shape, 'c');
    }

    /** Writes the k-th of a series of inputs (each shaped like one image) into a batch buffer at an offset. */
    @FunctionalInterface
    public interface InputMaker {
        /** Fills values [offset, offset + image size) of batch with input k. */
        void fill(int k, float[] batch, int offset);
    }

    /**
     * The sum, element by element, of a gradient method's gradients for one class over count generated inputs of the
     * image's shape, computed batchSize inputs per pass (SmoothGrad's noisy copies, integrated gradients' path).
     */
    public static double[] sumOfGradients(GradientMethod method, int cls, INDArray image, int count, int batchSize,
                                          InputMaker inputs, ProgressListener progress) {
        int size = (int) image.length();
        double[] sum = new double[size];
        for (int start = 0; start < count; start += batchSize) {
            int n = Math.min(batchSize, count - start);
            float[] batch = new float[n * size];
            for (int b = 0; b < n; b++) inputs.fill(start + b, batch, b * size);
            INDArray in = array(batch, n, image.size(1), image.size(2), image.size(3));
            float[] g = floatsAndRelease(method.gradient(in, cls));
            Arrays.release(in);
            for (int b = 0; b < n; b++) for (int i = 0; i < size; i++) sum[i] += g[b * size + i];
            progress.progress(start + n, count);
        }
        return sum;
    }

    /** Checks that a module of this name exists; the error lists the leaf layers. */
    public static void requireLayer(Module model, String layer) {
        if (layer != null && !layer.isEmpty() && model.modules().containsKey(layer)) return;
        java.util.List<String> names = new java.util.ArrayList<>();
        model.modules().forEach((k, m) -> {
            if (m.children().isEmpty()) names.add(k);
        });
        throw new IllegalArgumentException("no layer '" + layer + "' in this model; layers: " + String.join(", ", names));
    }
}
