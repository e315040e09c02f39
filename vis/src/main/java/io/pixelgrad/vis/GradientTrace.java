package io.pixelgrad.vis;

import io.pixelgrad.autograd.BackwardListener;
import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.functions.Relu;
import io.pixelgrad.autograd.nn.Module;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A teaching table of one backward pass from a class score down to the pixels, under each of the three ReLU rules:
 * for every layer, the L2 norm of the gradient arriving at its output, and for ReLUs the fraction of the units that
 * received a non-zero gradient which passed one on. It shows where the standard gradient thins out and how guided
 * backprop and deconvnet keep it alive. Two more columns count the fragile decisions of the forward pass
 * ({@link FragileDecisions}): ReLU inputs near zero and max-pool windows with a near tie.
 */
public final class GradientTrace {

    /** The three rules in table order. */
    public static final List<ReluRule> RULES = List.of(ReluRule.STANDARD, ReluRule.GUIDED, ReluRule.DECONVNET);

    /**
     * One layer's line: its name, description, per rule the norm arriving and (ReLUs only, else NaN) the fraction
     * passing, and (ReLUs and max-pools only, else -1) how many of its forward decisions are fragile.
     */
    public record Row(String layer, String description, double[] norm, double[] passing, long fragile) {
    }

    /** The traced class, the rows from the output layer down to the input ("input" last), and the fragile decisions. */
    public record Result(int targetClass, List<Row> rows, FragileDecisions.Result fragile) {

        /** The numbers as an array [rows, 6]: norm under each rule, then the passing fraction under each rule. */
        public double[] raw() {
            double[] r = new double[rows.size() * 6];
            for (int i = 0; i < rows.size(); i++)
                for (int k = 0; k < 3; k++) {
                    r[i * 6 + k] = rows.get(i).norm()[k];
                    r[i * 6 + 3 + k] = rows.get(i).passing()[k];
                }
            return r;
        }

        /** The table as aligned text, one line per layer. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%-14s %-40s %12s %12s %12s %9s %9s %9s %8s %8s%n", "layer", "module",
                    "|g| standard", "|g| guided", "|g| deconv", "pass std", "pass gd", "pass dc", "near 0", "near tie"));
            for (Row r : rows) {
                boolean relu = r.description().startsWith("ReLU"), pool = r.description().startsWith("MaxPool2d");
                sb.append(String.format(Locale.ROOT, "%-14s %-40s %12.4e %12.4e %12.4e %9s %9s %9s %8s %8s%n", r.layer(),
                        r.description().length() > 40 ? r.description().substring(0, 40) : r.description(),
                        r.norm()[0], r.norm()[1], r.norm()[2], pct(r.passing()[0]), pct(r.passing()[1]), pct(r.passing()[2]),
                        relu && r.fragile() >= 0 ? r.fragile() : "", pool && r.fragile() >= 0 ? r.fragile() : ""));
            }
            sb.append(String.format(Locale.ROOT, "near 0: ReLU inputs within %.0e of zero; near tie: max-pool windows whose two"
                    + " largest inputs are that close (relative to the layer's largest input).%n", fragile.tolerance()));
            return sb.toString();
        }

        private static String pct(double f) {
            return Double.isNaN(f) ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * f);
        }
    }

    private final Module model;

    /** A trace of this model. */
    public GradientTrace(Module model) {
        this.model = model;
    }

    /** Traces the class score of the target (default: the top class) for one input under the three rules. */
    public Result trace(INDArray input, Target target) {
        INDArray x = Passes.asBatchOfOne(model, input);
        int cls = Passes.resolveClass(target, Passes.logits(model, x));
        List<String> layers = new ArrayList<>();
        Map<String, String> descriptions = new HashMap<>();
        model.modules().forEach((name, m) -> {
            if (m.children().isEmpty() && !name.isEmpty()) {
                layers.add(name);
                descriptions.put(name, m.describe());
            }
        });
        Map<String, double[]> norms = new HashMap<>(), passing = new HashMap<>();
        double[] inputNorm = new double[3];
        for (int r = 0; r < 3; r++) {
            try (Tape tape = new Tape()) {
                tape.watchAll();
                Tensor xt = tape.input(x);
                Tensor logits = model.forward(xt);
                // which layer each recorded function belongs to, and which layers share one output tensor (Dropout)
                Map<Function, String> owner = new IdentityHashMap<>();
                Map<Tensor, List<String>> sharing = new IdentityHashMap<>();
                for (String name : tape.capturedNames()) {
                    Tensor t = tape.output(name);
                    // containers ("features", the root) share their last layer's output tensor, and the backward
                    // pass reports a tensor's gradient under one of its names only
                    sharing.computeIfAbsent(t, k -> new ArrayList<>()).add(name);
                    if (descriptions.containsKey(name) && t.creator() != null) owner.putIfAbsent(t.creator(), name);
                }
                final int rule = r;
                BackwardListener listener = (f, g, gi, nanos) -> {
                    if (!(f instanceof Relu) || gi[0] == null || owner.get(f) == null) return;
                    long received = nonZero(g), passed = nonZero(gi[0]);
                    passing.computeIfAbsent(owner.get(f), k -> nan3())[rule] = received == 0 ? 0 : (double) passed / received;
                };
                INDArray seed = tape.own(Passes.oneHot(logits.value(), cls));
                Gradients grads = tape.backward(logits, seed, RULES.get(r), listener);
                for (String name : layers) {
                    if (!tape.capturedNames().contains(name)) continue;
                    INDArray g = null;
                    for (String alias : sharing.getOrDefault(tape.output(name), List.of(name)))
                        if (grads.moduleNames().contains(alias)) g = grads.atModule(alias);
                    norms.computeIfAbsent(name, k -> nan3())[r] = g == null ? 0 : norm(g);
                }
                inputNorm[r] = norm(grads.of(xt));
            }
        }
        FragileDecisions.Result fragile = FragileDecisions.of(model, x);
        List<Row> rows = new ArrayList<>();
        for (int i = layers.size() - 1; i >= 0; i--) {
            String name = layers.get(i);
            if (!norms.containsKey(name)) continue;
            rows.add(new Row(name, descriptions.get(name), norms.get(name), passing.getOrDefault(name, nan3()), fragile.near(name)));
        }
        rows.add(new Row("input", "gradient at the pixels", inputNorm, nan3(), -1));
        return new Result(cls, rows, fragile);
    }

    private static double[] nan3() {
        return new double[]{Double.NaN, Double.NaN, Double.NaN};
    }

    private static long nonZero(INDArray a) {
        long n = 0;
        for (double v : Passes.values(a)) if (v != 0) n++;
        return n;
    }

    private static double norm(INDArray a) {
        double s = 0;
        for (double v : Passes.values(a)) s += v * v;
        return Math.sqrt(s);
    }
}
