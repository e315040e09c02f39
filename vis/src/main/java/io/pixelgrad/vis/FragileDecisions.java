package io.pixelgrad.vis;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.functions.MaxPool2d;
import io.pixelgrad.autograd.functions.Relu;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.engine.PoolSpec;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The discrete decisions of a forward pass that float32 rounding could flip: ReLU inputs within a relative tolerance of
 * zero (does the unit pass the gradient?) and max-pool windows whose two largest inputs are that close (which input is
 * the switch?). Both are relative to the layer's largest input magnitude.
 *
 * <p>Two correct float32 implementations round differently (about 1e-7 of a layer's scale per operation, growing with
 * depth), so where such a decision sits within that distance they may decide it differently, and a gradient map then
 * differs visibly although both are right. A count of zero means the result cannot hinge on rounding; a non-zero
 * count says which layer to look at, and a float64 run settles it. Windows whose largest inputs are both exactly zero
 * (after a ReLU) are not fragile: zero is exact in every implementation, and ties go to the first index.
 */
public final class FragileDecisions {

    /** The tolerance used unless another is given: 1e-5 of the layer's largest magnitude. */
    public static final double DEFAULT_TOLERANCE = 1e-5;

    /** One layer's count: "ReLU" inputs near zero or "MaxPool2d" windows with a near tie, out of how many decisions. */
    public record Layer(String layer, String kind, long near, long decisions) {
    }

    /** The tolerance and the layers in forward order. */
    public record Result(double tolerance, List<Layer> layers) {

        /** ReLU inputs near zero over all layers. */
        public long reluNearZero() {
            return layers.stream().filter(l -> l.kind().equals("ReLU")).mapToLong(Layer::near).sum();
        }

        /** Max-pool windows with a near tie over all layers. */
        public long poolNearTies() {
            return layers.stream().filter(l -> l.kind().equals("MaxPool2d")).mapToLong(Layer::near).sum();
        }

        /** The count for one layer, or -1 when it has no such decisions. */
        public long near(String layer) {
            for (Layer l : layers) if (l.layer().equals(layer)) return l.near();
            return -1;
        }

        /** A JSON-ready description (for the method's .json file). */
        public Map<String, Object> describe() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("tolerance", tolerance);
            d.put("relative_to", "the layer's largest input magnitude");
            d.put("relu_inputs_near_zero", reluNearZero());
            d.put("maxpool_windows_near_tie", poolNearTies());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Layer l : layers) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("layer", l.layer());
                r.put("kind", l.kind());
                r.put(l.kind().equals("ReLU") ? "inputs_near_zero" : "windows_near_tie", l.near());
                r.put(l.kind().equals("ReLU") ? "inputs" : "windows", l.decisions());
                rows.add(r);
            }
            d.put("layers", rows);
            d.put("meaning", "decisions that float32 rounding could flip; if any is non-zero, another correct float32"
                    + " implementation may give a visibly different map: run with --dtype float64 to settle it");
            return d;
        }
    }

    private FragileDecisions() {
    }

    /** Counts the fragile decisions of the model's forward pass on one input, at the default tolerance. */
    public static Result of(Module model, INDArray input) {
        return of(model, input, DEFAULT_TOLERANCE);
    }

    /** Counts the fragile decisions of the model's forward pass on one input [1,C,H,W] or [C,H,W]. */
    public static Result of(Module model, INDArray input, double tolerance) {
        INDArray x = Passes.asBatchOfOne(model, input);
        List<Layer> layers = new ArrayList<>();
        try (Tape tape = new Tape()) {
            tape.watchAll();
            // an input that needs a gradient makes the tape record every function, with its input
            model.forward(tape.input(x));
            Map<Function, String> owner = new IdentityHashMap<>();
            for (String name : tape.capturedNames()) {
                Tensor t = tape.output(name);
                if (t.creator() != null && model.modules().get(name).children().isEmpty()) owner.putIfAbsent(t.creator(), name);
            }
            for (Function f : tape.functions()) {
                String name = owner.getOrDefault(f, f.name());
                if (f instanceof Relu) {
                    double[] v = Passes.values(f.inputs()[0].value());
                    layers.add(new Layer(name, "ReLU", nearZero(v, tolerance), v.length));
                } else if (f instanceof MaxPool2d p) {
                    INDArray in = f.inputs()[0].value();
                    long[] s = in.shape();
                    double[] v = Passes.values(in);
                    layers.add(new Layer(name, "MaxPool2d", nearTies(v, s, p.spec(), tolerance),
                            s[0] * s[1] * p.spec().outH(s[2]) * p.spec().outW(s[3])));
                }
            }
        }
        return new Result(tolerance, layers);
    }

    /** Values whose magnitude is below tolerance times the largest magnitude. */
    static long nearZero(double[] v, double tolerance) {
        double bound = tolerance * maxAbs(v);
        long n = 0;
        for (double d : v) if (Math.abs(d) < bound) n++;
        return n;
    }

    /**
     * Windows (padding excluded, as it counts as -inf) whose two largest values differ by at most tolerance times the
     * largest magnitude of the input, unless both are exactly zero.
     */
    static long nearTies(double[] v, long[] shape, PoolSpec s, double tolerance) {
        int planes = (int) (shape[0] * shape[1]), h = (int) shape[2], w = (int) shape[3];
        int oh = (int) s.outH(h), ow = (int) s.outW(w);
        double bound = tolerance * maxAbs(v);
        long n = 0;
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double first = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < s.kernelH(); ky++) {
                        int row = i * s.strideH() - s.padH() + ky * s.dilationH();
                        if (row < 0 || row >= h) continue;
                        for (int kx = 0; kx < s.kernelW(); kx++) {
                            int col = j * s.strideW() - s.padW() + kx * s.dilationW();
                            if (col < 0 || col >= w) continue;
                            double d = v[(p * h + row) * w + col];
                            if (d > first) {
                                second = first;
                                first = d;
                            } else if (d > second) {
                                second = d;
                            }
                        }
                    }
                    if (second == Double.NEGATIVE_INFINITY || (first == 0 && second == 0)) continue;
                    if (first - second <= bound) n++;
                }
        return n;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) m = Math.max(m, Math.abs(d));
        return m;
    }
}
