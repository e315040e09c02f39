package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.functions.Roll;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.optim.Adam;
import io.pixelgrad.autograd.optim.Closure;
import io.pixelgrad.autograd.optim.Optimizer;
import io.pixelgrad.engine.Arrays;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Input optimization, the loop every synthesis method runs (Lucent's render_vis): parameters P, a parametrization to a
 * picture I, random transforms, the model's input space, the model, an objective to maximize; an optimizer minimizes
 * -objective over P. Per step, read top to bottom:
 * <pre>
 *   I = param.picture(P); x = space(transforms(I)); A = model(x); loss = -objective(A, I, x)
 *   backward to P; optimizer step; between-step regularizers on P (Yosinski); snapshot; divergence check
 * </pre>
 * The objective's value at each step's forward pass (before that step's update) is the trajectory. Every random draw
 * (initial parameters, then transforms) comes from one generator seeded with the run's seed, so the same seed gives
 * bitwise identical runs. Each evaluation runs on its own {@link Tape}, closed before the next: memory stays bounded.
 */
public final class RenderLoop {

    /** Makes the optimizer for the parameter arrays of a run. */
    @FunctionalInterface
    public interface OptimizerFactory {
        /** An optimizer over these arrays. */
        Optimizer create(List<INDArray> params);
    }

    /** Changes the parameters between steps (Yosinski's regularizers, clamping to a valid range). */
    @FunctionalInterface
    public interface BetweenSteps {
        /** Called after step (1-based) with the parameters and the objective's gradient with respect to them. */
        void apply(int step, INDArray params, INDArray objectiveGradient);
    }

    /** Told after every step. */
    @FunctionalInterface
    public interface StepListener {
        /** Step (1-based) of total finished; objective is the value at its forward pass. */
        void step(int step, int total, double objective);
    }

    /** Evaluates the objective and its gradient for given parameters (default: one forward pass of the whole picture). */
    @FunctionalInterface
    public interface Evaluator {
        /** The objective value; writes d(objective)/dP into gradient. */
        double evaluate(INDArray params, INDArray gradient);
    }

    /** What a run gives back: final parameters and picture, the trajectory and the snapshots. */
    public record Result(INDArray params, INDArray picture, double[] trajectory, List<INDArray> snapshots, int[] snapshotSteps) {
    }

    private final Module model;
    private final InputSpace space;
    private final ImageParam param;
    private final Objective objective;
    private Transforms transforms = Transforms.none();
    private OptimizerFactory optimizer = p -> Adam.builder(p).lr(0.05).build();
    private BetweenSteps between = (s, p, g) -> { };
    private java.util.function.Consumer<INDArray> beforeEvaluation = p -> { };
    private StepListener listener = (s, t, v) -> { };
    private int steps = 512, snapshots;
    private long seed;
    private INDArray start;
    private DataType type = DataType.FLOAT;
    private int tile, roll;

    private RenderLoop(Module model, InputSpace space, ImageParam param, Objective objective) {
        this.model = model;
        this.space = space;
        this.param = param;
        this.objective = objective;
        this.type = model.dataType();
    }

    /** A loop of the objective on the model, changing the parameters of param; the model's input space maps pictures. */
    public static RenderLoop of(Module model, InputSpace space, ImageParam param, Objective objective) {
        for (String layer : objective.layers())
            io.pixelgrad.vis.Passes.requireLayer(model, layer);
        return new RenderLoop(model, space, param, objective);
    }

    /** The random transforms (default none). */
    public RenderLoop transforms(Transforms t) {
        this.transforms = t;
        return this;
    }

    /** The optimizer (default Adam, lr 0.05, as Lucent). */
    public RenderLoop optimizer(OptimizerFactory f) {
        this.optimizer = f;
        return this;
    }

    /** Changes to the parameters between steps (default none). */
    public RenderLoop between(BetweenSteps b) {
        this.between = b;
        return this;
    }

    /**
     * Changes the parameters in place before every evaluation of the objective, inside the optimizer's closure (the
     * PyTorch style-transfer tutorial clamps its picture to [0,1] at the start of each L-BFGS closure; default none).
     */
    public RenderLoop beforeEvaluation(java.util.function.Consumer<INDArray> hook) {
        this.beforeEvaluation = hook;
        return this;
    }

    /** Told after every step. */
    public RenderLoop listener(StepListener l) {
        this.listener = l;
        return this;
    }

    /** Number of steps (default 512, Lucent's). */
    public RenderLoop steps(int n) {
        if (n < 0) throw new IllegalArgumentException("steps must be >= 0, not " + n);
        this.steps = n;
        return this;
    }

    /** Pictures kept along the way for a filmstrip: after steps round(k * steps / K), k = 1..K (default none). */
    public RenderLoop snapshots(int k) {
        if (k < 0) throw new IllegalArgumentException("snapshots must be >= 0, not " + k);
        this.snapshots = k;
        return this;
    }

    /** The seed of every random draw of the run (default 0). */
    public RenderLoop seed(long s) {
        this.seed = s;
        return this;
    }

    /** Starting parameters (default: the parametrization's own start from the seeded generator); copied. */
    public RenderLoop start(INDArray params) {
        param.checkShape(params);
        this.start = params;
        return this;
    }

    /**
     * DeepDream's evaluation: before every evaluation the parameters are rolled by a random (dy, dx) in [-roll, roll]
     * (and the gradient rolled back), then split into tiles of at most this side (0: one tile) whose gradients are
     * summed, so large pictures need bounded memory.
     */
    public RenderLoop tiles(int side, int roll) {
        if (side < 0 || roll < 0) throw new IllegalArgumentException("tile and roll must be >= 0, not " + side + ", " + roll);
        this.tile = side;
        this.roll = roll;
        return this;
    }

    /**
     * Evaluates the objective once at the starting parameters, without changing anything, so that a bad layer, channel
     * or class is reported before any work; returns the value. Draws from its own generator: the run is unaffected.
     */
    public double check() {
        Random random = new Random(seed);
        INDArray p = start != null ? start.castTo(type).dup('c') : param.initial(random, type);
        INDArray g = p.ulike();
        try {
            Draws draws = Draws.seeded(random);
            return tile > 0 || roll > 0 ? new Tiles(tile, roll, draws).evaluate(p, g) : evaluateWhole(p, g, draws);
        } finally {
            Arrays.release(p, g);
        }
    }

    /** Runs the loop. Throws {@link DivergenceException} when the objective or the picture stops being finite. */
    public Result run() {
        Random random = new Random(seed);
        INDArray p = start != null ? start.castTo(type).dup('c') : param.initial(random, type);
        Draws draws = Draws.seeded(random);
        double[] trajectory = new double[steps];
        List<INDArray> shots = new ArrayList<>();
        int[] shotSteps = snapshotSteps(steps, snapshots);
        INDArray lastFinite = p.dup('c');
        INDArray objectiveGradient = p.ulike();
        boolean tiled = tile > 0 || roll > 0;
        Evaluator evaluator = tiled ? new Tiles(tile, roll, draws) : (pp, g) -> evaluateWhole(pp, g, draws);
        boolean returned = false;
        try (Optimizer opt = optimizer.create(List.of(p))) {
            int shot = 0;
            for (int step = 1; step <= steps; step++) {
                Closure closure = grads -> {
                    beforeEvaluation.accept(p);
                    double value = evaluator.evaluate(p, grads.get(0));
                    objectiveGradient.assign(grads.get(0));
                    grads.get(0).negi();                      // the optimizer minimizes -objective
                    return -value;
                };
                double loss;
                try {
                    loss = opt.step(closure);
                } catch (ArithmeticException nan) {
                    throw diverged(step, lastFinite);
                }
                double value = -loss;
                trajectory[step - 1] = value;
                between.apply(step, p, objectiveGradient);
                if (!Double.isFinite(value) || !allFinite(p)) throw diverged(step, lastFinite);
                lastFinite.assign(p);
                listener.step(step, steps, value);
                while (shot < shotSteps.length && shotSteps[shot] == step) {
                    shots.add(picture(p));
                    shot++;
                }
            }
            Result result = new Result(p, picture(p), trajectory, shots, shotSteps);
            returned = true;
            return result;
        } finally {
            Arrays.release(lastFinite, objectiveGradient);
            // a run cancelled by its listener or stopped by divergence hands nothing out: free what it would have
            if (!returned) {
                Arrays.release(p);
                shots.forEach(Arrays::release);
            }
        }
    }

    /** The steps after which snapshots are taken: round(k * steps / K) for k = 1..K (duplicates dropped). */
    static int[] snapshotSteps(int steps, int k) {
        List<Integer> s = new ArrayList<>();
        for (int i = 1; i <= k && steps > 0; i++) {
            int at = (int) Math.max(1, Math.round((double) i * steps / k));
            if (s.isEmpty() || s.get(s.size() - 1) != at) s.add(at);
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** One forward and backward pass: returns the objective, writes its gradient with respect to p. */
    double evaluateWhole(INDArray p, INDArray gradient, Draws draws) {
        try (Tape tape = new Tape()) {
            tape.watch(objective.layers().toArray(new String[0]));
            Tensor pt = tape.input(p);
            Tensor value = forwardAndValue(tape, pt, draws);
            Gradients g = tape.backward(value, ReluRule.STANDARD);
            gradient.assign(g.of(pt));
            return value.value().getDouble(0);
        }
    }

    /**
     * The objective for parameters p on the tape: their picture, the model input, the forward pass as deep as the
     * objective reads. Input parameters feed the model without the picture, so theirs is made only if the objective
     * reads it.
     */
    private Tensor forwardAndValue(Tape tape, Tensor p, Draws draws) {
        Tensor eager = param.kind() == ImageParam.Kind.INPUT ? null : param.picture(p);
        Tensor x = param.modelInput(p, eager, transforms, draws, space);
        Tensor logits = null;
        if (objective.needsLogits() || !(model instanceof Classifier c) || objective.layers().isEmpty()) {
            logits = model.forward(x);
        } else {
            c.forwardTo(x, deepest(objective));
        }
        java.util.function.Supplier<Tensor> picture = eager != null ? () -> eager : () -> param.picture(p);
        return objective.value(Activations.pictureOnDemand(tape, x, logits, picture));
    }

    /** The objective's layer that comes last in forward order (the pass can stop there). */
    private String deepest(Objective o) {
        String last = null;
        for (String name : model.modules().keySet()) if (o.layers().contains(name)) last = name;
        return last;
    }

    /** The picture [N,C,H,W] for parameters, detached (in [0,1]; input parametrizations are clamped to it). */
    public INDArray picture(INDArray p) {
        try (Tape tape = new Tape()) {
            INDArray pic = param.picture(tape.constant(p)).value().dup('c');
            if (param.kind() == ImageParam.Kind.INPUT || param.kind() == ImageParam.Kind.PICTURE) {
                INDArray clamped = org.nd4j.linalg.ops.transforms.Transforms.min(
                        org.nd4j.linalg.ops.transforms.Transforms.max(pic, 0.0, true), 1.0, true);
                return clamped;
            }
            return pic;
        }
    }

    private DivergenceException diverged(int step, INDArray lastFinite) {
        String hint = objective.layers().isEmpty() ? "add a penalty such as - 0.01*l2() or lower --lr"
                : "add a regularizer that bounds the picture, e.g. - 0.05*tv(2) or - 0.01*l2(), use --param fft with"
                        + " --decorrelate, or lower --lr";
        return new DivergenceException("the objective diverged at step " + step + " (it or the picture is no longer finite): "
                + hint, step, step > 1 ? picture(lastFinite) : null);
    }

    private static boolean allFinite(INDArray a) {
        double s = a.sumNumber().doubleValue();
        return Double.isFinite(s) && Double.isFinite(a.amaxNumber().doubleValue());
    }

    /**
     * The gradient of a picture after a random roll by (dy, dx), each drawn from [-roll, roll] (rows first), in tiles:
     * each dimension is split into ceil(size / tile) nearly equal parts (one part when tile is 0); each tile runs
     * forward and backward on its own tape and adds its gradient. The objective is the sum over tiles.
     */
    private final class Tiles implements Evaluator {
        private final int side, roll;
        private final Draws draws;

        Tiles(int side, int roll, Draws draws) {
            this.side = side;
            this.roll = roll;
            this.draws = draws;
        }

        @Override
        public double evaluate(INDArray p, INDArray gradient) {
            long h = p.size(2), w = p.size(3);
            int dy = roll > 0 ? draws.below(2 * roll + 1) - roll : 0, dx = roll > 0 ? draws.below(2 * roll + 1) - roll : 0;
            int[] rows = cuts((int) h, side > 0 ? side : (int) h), cols = cuts((int) w, side > 0 ? side : (int) w);
            // rolled once for all tiles, off the tape: the tiles' gradients fill disjoint parts of the rolled gradient,
            // which is rolled back once
            boolean rolls = dy != 0 || dx != 0;
            INDArray rolled = rolls ? Roll.rolled(p, dy, dx) : p;
            INDArray rolledGradient = rolls ? p.ulike() : gradient;
            double total = 0;
            try {
                rolledGradient.assign(0);
                for (int i = 0; i + 1 < rows.length; i++)
                    for (int j = 0; j + 1 < cols.length; j++) {
                        INDArrayIndex[] tile = {NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(rows[i], rows[i + 1]),
                                NDArrayIndex.interval(cols[j], cols[j + 1])};
                        INDArray pieceValues = rolled.get(tile).dup('c');
                        try (Tape tape = new Tape()) {
                            tape.watch(objective.layers().toArray(new String[0]));
                            Tensor piece = tape.input(pieceValues);
                            Tensor value = forwardAndValue(tape, piece, draws);
                            rolledGradient.get(tile).assign(tape.backward(value, ReluRule.STANDARD).of(piece));
                            total += value.value().getDouble(0);
                        } finally {
                            Arrays.release(pieceValues);
                        }
                    }
                if (rolls) {
                    INDArray back = Roll.rolled(rolledGradient, -dy, -dx);
                    gradient.assign(back);
                    Arrays.release(back);
                }
            } finally {
                if (rolls) Arrays.release(rolled, rolledGradient);
            }
            return total;
        }
    }

    /** Boundaries of ceil(size / side) nearly equal parts of [0, size). */
    static int[] cuts(int size, int side) {
        int parts = Math.max(1, (size + side - 1) / side);
        int[] c = new int[parts + 1];
        for (int i = 0; i <= parts; i++) c[i] = (int) ((long) size * i / parts);
        return c;
    }
}
