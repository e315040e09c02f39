package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.optim.Adam;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Adversarial examples as torchattacks computes them, everything in [0,1] pixel space (the model sees the picture
 * through its input space's normalization), as input optimization on {@link RenderLoop} with picture parameters:
 * <ul>
 *   <li>FGSM (Goodfellow et al. 2015): x' = clamp(x + eps sign(dCE/dx), 0, 1), one {@link SignStep} of eps from x;</li>
 *   <li>PGD (Madry et al. 2018): from the random start clamp(x + U(-eps, eps), 0, 1), steps of alpha sign(dCE/dx), each
 *       projected back: delta = clamp(x' - x, -eps, eps), x' = clamp(x + delta, 0, 1);</li>
 *   <li>targeted variants climb log p(target) = -CE(target) instead of CE(label);</li>
 *   <li>fooling pictures (Nguyen et al. 2015): a class model in picture space from noise, Adam on log p(target).</li>
 * </ul>
 * The objective the loop records is CE(label) (untargeted) or log p(target) (targeted), at each step's forward pass.
 */
public final class Attack {

    /** The attack methods. */
    public enum Method {
        /** One step of eps along the gradient's sign. */
        FGSM,
        /** Steps of alpha from a random start, projected to the eps ball. */
        PGD
    }

    /**
     * An attack's settings.
     *
     * @param method      FGSM or PGD
     * @param eps         the L-infinity radius in [0,1] pixel units
     * @param alpha       PGD's step (FGSM steps by eps)
     * @param steps       PGD's number of steps (FGSM takes one)
     * @param randomStart PGD starts at a random point of the eps ball (torchattacks' default)
     * @param target      the class to reach (targeted), or null to move away from the label
     */
    public record Settings(Method method, double eps, double alpha, int steps, boolean randomStart, Integer target) {
        /** Checks the ranges. */
        public Settings {
            if (!(eps >= 0 && eps <= 1)) throw new IllegalArgumentException("eps must be in [0,1], not " + eps);
            if (method == Method.PGD && !(alpha > 0 && alpha <= 1)) throw new IllegalArgumentException("alpha must be in (0,1], not " + alpha);
            if (method == Method.PGD && steps < 1) throw new IllegalArgumentException("PGD needs at least one step, not " + steps);
        }

        /** torchattacks' FGSM (eps 8/255), untargeted. */
        public static Settings fgsm(double eps) {
            return new Settings(Method.FGSM, eps, eps, 1, false, null);
        }

        /** torchattacks' PGD defaults: eps 8/255, alpha 2/255, 10 steps, random start; untargeted. */
        public static Settings pgd() {
            return new Settings(Method.PGD, 8 / 255.0, 2 / 255.0, 10, true, null);
        }

        /** The same settings with another eps. */
        public Settings withEps(double e) {
            return new Settings(method, e, method == Method.FGSM ? e : alpha, steps, randomStart, target);
        }

        /** The same settings aimed at a class (null: untargeted). */
        public Settings withTarget(Integer t) {
            return new Settings(method, eps, alpha, steps, randomStart, t);
        }

        /** Steps the loop runs: 1 for FGSM. */
        public int loopSteps() {
            return method == Method.FGSM ? 1 : steps;
        }
    }

    /** An attack's outcome: the adversarial picture, where it started, and the objective at each step. */
    public record Result(INDArray adversarial, INDArray start, double[] trajectory) {
    }

    /** One point of an eps sweep: the eps tried, and the class the network then predicts with its probability. */
    public record SweepPoint(double eps, int predicted, double probability) {
    }

    /** Adam's learning rate for fooling pictures (pixel units per step). */
    public static final double FOOL_LR = 0.01;
    /** Default steps of a fooling picture. */
    public static final int FOOL_STEPS = 200;

    private Attack() {
    }

    /** What the attack climbs: CE(label) = -log p(label) when untargeted, log p(target) when targeted. */
    public static Objective objective(int label, Integer target) {
        return target == null ? Objective.logProbability(label).negate() : Objective.logProbability(target);
    }

    /** PGD's random start clamp(x + U(-eps, eps), 0, 1): one nextDouble per value, row-major (a new array). */
    public static INDArray randomStart(INDArray x, double eps, Random random) {
        double[] u = new double[(int) x.length()];
        for (int i = 0; i < u.length; i++) u[i] = -eps + 2 * eps * random.nextDouble();
        INDArray noise = io.pixelgrad.vis.Passes.array(u, x.dataType(), x.shape());
        INDArray start = x.dup('c').addi(noise);
        io.pixelgrad.engine.Arrays.release(noise);
        ImageParam.clamp01(start);
        return start;
    }

    /**
     * The loop of an attack on a picture x [1,C,H,W] in [0,1] whose label is given, from start (x for FGSM, usually
     * {@link #randomStart} for PGD): {@link SignStep}s, then after each step the clamp to [0,1] (FGSM) or the projection
     * to the eps ball and [0,1] (PGD). x must stay alive while the loop runs.
     */
    public static RenderLoop loop(Module model, InputSpace space, INDArray x, int label, Settings s, INDArray start) {
        ImageParam param = ImageParam.pictureSpace((int) x.size(0), (int) x.size(1), (int) x.size(2), (int) x.size(3));
        double step = s.method() == Method.FGSM ? s.eps() : s.alpha();
        RenderLoop.BetweenSteps after = s.method() == Method.FGSM ? (k, p, g) -> ImageParam.clamp01(p) : (k, p, g) -> project(p, x, s.eps());
        return RenderLoop.of(model, space, param, objective(label, s.target()))
                .start(start)
                .steps(s.loopSteps())
                .optimizer(p -> new SignStep(p, step))
                .between(after);
    }

    /** Runs an attack: the start is x for FGSM (or PGD without a random start), else drawn from a generator seeded with seed. */
    public static Result run(Module model, InputSpace space, INDArray x, int label, Settings s, long seed, RenderLoop.StepListener listener) {
        boolean random = s.method() == Method.PGD && s.randomStart();
        INDArray start = random ? randomStart(x, s.eps(), new Random(seed)) : x.dup('c');
        RenderLoop.Result r = loop(model, space, x, label, s, start).seed(seed).listener(listener).run();
        io.pixelgrad.engine.Arrays.release(r.params());
        return new Result(r.picture(), start, r.trajectory());
    }

    /**
     * PGD's projection, in torchattacks' arithmetic: delta = clamp(p - x, -eps, eps); p = clamp(x + delta, 0, 1), in
     * place.
     */
    public static void project(INDArray p, INDArray x, double eps) {
        INDArray delta = p.sub(x);
        org.nd4j.linalg.ops.transforms.Transforms.max(delta, -eps, false);
        org.nd4j.linalg.ops.transforms.Transforms.min(delta, eps, false);
        p.assign(x).addi(delta);
        io.pixelgrad.engine.Arrays.release(delta);
        ImageParam.clamp01(p);
    }

    /**
     * The smallest eps of an ascending grid at which the attack succeeds (the prediction leaves the label, or reaches the
     * target): runs the attack at each eps in turn, tells each point to the listener, and stops at the first success.
     * Returns every point tried.
     */
    public static List<SweepPoint> sweep(Module model, InputSpace space, INDArray x, int label, Settings s, double[] grid, long seed,
                                         java.util.function.Consumer<SweepPoint> listener) {
        List<SweepPoint> points = new ArrayList<>();
        for (double eps : grid) {
            Result r = run(model, space, x, label, s.withEps(eps), seed, (k, n, v) -> { });
            double[] p = probabilities(model, space, r.adversarial());
            io.pixelgrad.engine.Arrays.release(r.adversarial(), r.start());
            int top = argmax(p);
            points.add(new SweepPoint(eps, top, p[top]));
            listener.accept(points.get(points.size() - 1));
            if (s.target() == null ? top != label : top == s.target()) break;
        }
        return points;
    }

    /** Whether the last point of a sweep is a success. */
    public static boolean flipped(List<SweepPoint> points, int label, Integer target) {
        if (points.isEmpty()) return false;
        int top = points.get(points.size() - 1).predicted();
        return target == null ? top != label : top == target;
    }

    /**
     * A fooling picture: from U(0,1) noise (drawn from the run's seed), Adam (lr {@link #FOOL_LR}) on log p(target) in
     * picture space, clamped to [0,1] after each step, side x side.
     */
    public static RenderLoop fool(Module model, InputSpace space, int target, int channels, int side) {
        ImageParam param = ImageParam.pictureSpace(1, channels, side, side);
        return RenderLoop.of(model, space, param, Objective.logProbability(target))
                .optimizer(p -> Adam.builder(p).lr(FOOL_LR).build())
                .between((k, p, g) -> ImageParam.clamp01(p))
                .steps(FOOL_STEPS);
    }

    /** The softmax probabilities [classes] of one picture [1,C,H,W] in [0,1] (computed in double from the logits). */
    public static double[] probabilities(Module model, InputSpace space, INDArray picture) {
        double[] l;
        try (Tape tape = new Tape()) {
            Tensor logits = model.forward(space.toModelInput(tape.constant(picture)));
            l = io.pixelgrad.vis.Passes.values(logits.value());
        }
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double v : l) max = Math.max(max, v);
        double[] p = new double[l.length];
        for (int i = 0; i < l.length; i++) sum += p[i] = Math.exp(l[i] - max);
        for (int i = 0; i < l.length; i++) p[i] /= sum;
        return p;
    }

    /** The index of the largest value (the first one on ties). */
    public static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
