package io.pixelgrad.tests;

import io.pixelgrad.autograd.optim.Adam;
import io.pixelgrad.autograd.optim.Closure;
import io.pixelgrad.autograd.optim.Lbfgs;
import io.pixelgrad.autograd.optim.LearningRateSchedule;
import io.pixelgrad.autograd.optim.Optimizer;
import io.pixelgrad.autograd.optim.Sgd;
import io.pixelgrad.engine.Arrays;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every optimizer's trajectory against torch.optim's (fixtures from make_training_reference.py): the same objective,
 * the same start, the flat parameters after every step and the loss each step returned. The objectives' gradients
 * are computed here exactly as the script computes them (plain doubles, same order), so any difference is the
 * optimizers' own arithmetic.
 */
class OptimizerReferenceTest {

    /** float64 trajectories: relative to the largest |value| of the step (the issue asks for 1e-12). */
    private static final double FLOAT64_TOLERANCE = 1e-12;
    /** float32: measured worst cases 3.4e-7 (SGD), 3.9e-7 (Adam), 5.7e-7 (L-BFGS); a margin of about 10x. */
    private static final double FLOAT32_TOLERANCE = 5e-6;
    /**
     * float32 L-BFGS with the strong-Wolfe line search on Rosenbrock's curved valley: measured 4.0e-4. torch keeps the
     * line search's slopes and trial steps in float32 0-d tensors mixed with Python floats, which this port does not
     * mimic (it keeps them in doubles); in the ill-conditioned valley those roundings move the accepted step.
     */
    private static final double FLOAT32_WOLFE_ROSENBROCK_TOLERANCE = 1e-3;

    @TestFactory
    Stream<DynamicTest> trajectoriesMatchTorch() {
        return Fixture.all("training", "optim").stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> check(f)));
    }

    @TestFactory
    Stream<DynamicTest> schedulesMatchTorch() {
        return Fixture.all("training", "schedules").stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> {
            LearningRateSchedule s = f.param("kind").asText().equals("step")
                    ? LearningRateSchedule.step(f.intParam("step_size"), f.doubleParam("gamma"))
                    : LearningRateSchedule.cosine(f.intParam("t_max"), f.doubleParam("eta_min"));
            INDArray rates = f.array("rates");
            for (int e = 0; e < rates.length(); e++)
                assertEquals(rates.getDouble(e), s.rate(f.doubleParam("base_lr"), e), 1e-15 * f.doubleParam("base_lr"), f.name() + " epoch " + e);
        }));
    }

    private static void check(Fixture f) {
        DataType type = f.param("dtype").asText().equals("float64") ? DataType.DOUBLE : DataType.FLOAT;
        double tolerance = type == DataType.DOUBLE ? FLOAT64_TOLERANCE
                : f.name().equals("lbfgs_wolfe_rosenbrock_f32") ? FLOAT32_WOLFE_ROSENBROCK_TOLERANCE : FLOAT32_TOLERANCE;
        INDArray x0 = f.array("x0").castTo(type);
        List<INDArray> params = new ArrayList<>();
        long offset = 0;
        for (var s : f.param("shapes")) {
            long[] shape = new long[s.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = s.get(i).asLong();
            long n = Arrays.length(shape);
            INDArray p = Nd4j.createUninitialized(type, shape);
            for (long i = 0; i < n; i++) p.putScalar(i, x0.getDouble(offset + i));
            params.add(p);
            offset += n;
        }
        Function<double[], double[]> objective = f.param("objective").asText().equals("rosenbrock")
                ? OptimizerReferenceTest::rosenbrock : OptimizerReferenceTest::quadratic;
        Closure closure = grads -> {
            double[] fg = objective.apply(flat(params));
            int k = 1;
            for (INDArray g : grads) for (long i = 0; i < g.length(); i++) g.putScalar(i, fg[k++]);
            return fg[0];
        };
        INDArray expected = f.array("trajectory"), losses = f.array("losses");
        try (Optimizer opt = optimizer(f, params)) {
            for (int step = 0; step < f.intParam("steps"); step++) {
                double loss = opt.step(closure);
                double[] x = flat(params);
                double scale = 0;
                for (int i = 0; i < x.length; i++) scale = Math.max(scale, Math.abs(expected.getDouble(step + 1, i)));
                for (int i = 0; i < x.length; i++)
                    assertEquals(expected.getDouble(step + 1, i), x[i], tolerance * scale,
                            f.name() + ": parameter " + i + " after step " + (step + 1));
                assertEquals(losses.getDouble(step), loss, tolerance * Math.max(1, Math.abs(losses.getDouble(step))),
                        f.name() + ": loss of step " + (step + 1));
            }
            assertEquals(f.intParam("steps"), opt.steps());
            if (opt instanceof Lbfgs l && type == DataType.DOUBLE) {
                assertEquals(f.value("func_evals").asInt(), l.functionEvaluations(), f.name() + ": closure evaluations");
                assertEquals(f.value("n_iter").asInt(), l.iterations(), f.name() + ": iterations");
            }
        }
        assertTrue(params.stream().allMatch(p -> p.dataType() == type), "parameters keep their data type");
    }

    private static Optimizer optimizer(Fixture f, List<INDArray> params) {
        double lr = f.doubleParam("lr");
        return switch (f.param("optimizer").asText()) {
            case "sgd" -> Sgd.builder(params).lr(lr).momentum(opt(f, "momentum", 0)).dampening(opt(f, "dampening", 0))
                    .weightDecay(opt(f, "weight_decay", 0)).nesterov(f.hasParam("nesterov") && f.param("nesterov").asBoolean()).build();
            case "adam" -> Adam.builder(params).lr(lr).betas(opt(f, "beta1", 0.9), opt(f, "beta2", 0.999))
                    .eps(opt(f, "eps", 1e-8)).weightDecay(opt(f, "weight_decay", 0)).build();
            case "lbfgs" -> {
                Lbfgs.Builder b = Lbfgs.builder(params).lr(lr).maxIter(f.intParam("max_iter"));
                if (f.hasParam("history_size")) b.historySize(f.intParam("history_size"));
                if (f.hasParam("line_search")) b.lineSearch(Lbfgs.LineSearch.STRONG_WOLFE);
                yield b.build();
            }
            default -> throw new IllegalArgumentException(f.name() + ": unknown optimizer");
        };
    }

    private static double opt(Fixture f, String key, double fallback) {
        return f.hasParam(key) ? f.doubleParam(key) : fallback;
    }

    private static double[] flat(List<INDArray> params) {
        int n = 0;
        for (INDArray p : params) n += (int) p.length();
        double[] x = new double[n];
        int k = 0;
        for (INDArray p : params) for (long i = 0; i < p.length(); i++) x[k++] = p.getDouble(i);
        return x;
    }

    /** Loss then gradient of sum over i of 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, in the script's operation order. */
    private static double[] rosenbrock(double[] x) {
        double f = 0;
        double[] out = new double[x.length + 1];
        for (int i = 0; i < x.length - 1; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1.0 - x[i];
            f += 100.0 * a * a + b * b;
            out[1 + i] += -400.0 * x[i] * a - 2.0 * b;
            out[2 + i] += 200.0 * a;
        }
        out[0] = f;
        return out;
    }

    /** Loss then gradient of 0.5 sum c_i x_i^2 + sum w_i x_i + 0.05 (sum x)^2, in the script's operation order. */
    private static double[] quadratic(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        double f = 0.05 * s * s;
        double[] out = new double[x.length + 1];
        for (int i = 0; i < x.length; i++) {
            double c = 0.5 + i / 2.0;
            double w = Math.pow(-1.0, i) * (i + 1) / 4.0;
            f += 0.5 * c * x[i] * x[i] + w * x[i];
            out[1 + i] = c * x[i] + w + 0.1 * s;
        }
        out[0] = f;
        return out;
    }
}
