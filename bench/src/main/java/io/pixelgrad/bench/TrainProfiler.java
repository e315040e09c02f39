package io.pixelgrad.bench;

import io.pixelgrad.autograd.BackwardListener;
import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.nn.Parameter;
import io.pixelgrad.autograd.optim.Adam;
import io.pixelgrad.engine.StepMemory;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints where one training step of a small network (28x28 grey input, random batches) spends its time: each
 * layer's forward, each backward step, and the optimizer; medians over the runs of the wall time and of how many
 * cores were busy (process CPU time over wall time).
 */
public final class TrainProfiler {

    private TrainProfiler() {
    }

    /**
     * Usage: TrainProfiler NETWORK [batch] [runs] [stepwise]. "stepwise" takes every backward step on its own, as a
     * gradient trace does (no max-pool taken together with the ReLU before it), to compare with training's pass.
     */
    public static void main(String[] args) {
        Classifier model = Architectures.create(args[0], 10, 1);
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        boolean stepwise = args.length > 3 && args[3].equals("stepwise");
        Init.randomize(model, 1);
        model.setTrainable(true);
        model.train(io.pixelgrad.zoo.data.Seeds.random(1, "dropout", 0));
        List<INDArray> values = new ArrayList<>();
        for (Parameter p : model.parameters().values()) values.add(p.value());
        Adam adam = new Adam(values, 1e-3);
        INDArray images = Nd4j.rand(DataType.FLOAT, batch, 1, 28, 28);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = i % 10;
        Timings times = new Timings(runs, 3);
        // each step inside one reused block of memory, as Trainer runs it
        StepMemory stepMemory = new StepMemory("profile-step");
        for (int r = 0; r < runs + times.warmup; r++) {
            final int run = r;
            long[] closureEnd = new long[2];
            long[] step0 = times.now();
            adam.step(grads -> {
                try (MemoryWorkspace ignored = stepMemory.enter(); Tape tape = new Tape()) {
                    Tensor x = tape.constant(images);
                    for (Module part : new Module[]{model.features(), model.classifier()}) {
                        if (part == model.classifier()) x = F.flatten(x);
                        for (Map.Entry<String, Module> e : part.children().entrySet()) {
                            long[] t0 = times.now();
                            x = e.getValue().forward(x);
                            times.record(run, "fw " + part.name() + "." + e.getKey() + " " + e.getValue().describe(), t0);
                        }
                    }
                    long[] t0 = times.now();
                    Tensor loss = F.crossEntropy(x, labels);
                    times.record(run, "loss", t0);
                    int[] k = {0};
                    long[] b0 = times.now(), last = b0.clone();
                    // by default, profile the steps as training takes them; "stepwise" as a gradient trace does
                    BackwardListener timing = (f, go, gi, nanos) -> {
                        // from the previous step's end: the step itself and the tape's bookkeeping around it
                        times.record(run, "bw " + (k[0]++) + " " + f.name() + java.util.Arrays.toString(go.shape()), last);
                        System.arraycopy(times.now(), 0, last, 0, 2);
                    };
                    Gradients g = tape.backward(loss, tape.own(Nd4j.ones(loss.dataType(), loss.shape())), ReluRule.STANDARD,
                            stepwise ? timing : BackwardListener.withShortcuts(timing));
                    times.record(run, "backward (all)", b0);
                    long[] c0 = times.now();
                    int i = 0;
                    for (Parameter p : model.parameters().values()) grads.get(i++).assign(g.of(p.tensor()));
                    times.record(run, "copy gradients", c0);
                    double value = loss.value().getDouble(0);
                    System.arraycopy(times.now(), 0, closureEnd, 0, 2);
                    return value;
                }
            });
            times.record(run, "closing the tape, optimizer update", closureEnd);
            times.record(run, "STEP (all)", step0);
        }
        stepMemory.close();
        System.out.printf(Locale.ROOT, "%-60s %8s %12s%n", "", "wall", "cores busy");
        for (String key : times.wall.keySet()) {
            // the process's CPU clock ticks coarsely (10 ms here): totals over all runs, not medians, give the ratio
            System.out.printf(Locale.ROOT, "%-60s %8.2f ms %6.2f%n", key, median(times.wall.get(key)),
                    sum(times.cpu.get(key)) / Math.max(1e-9, sum(times.wall.get(key))));
        }
    }

    private static double sum(double[] values) {
        double total = 0;
        for (double v : values) total += v;
        return total;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v[v.length / 2];
    }

    /**
     * Wall time and the whole process's CPU time (every thread, ND4J's native ones too) per named part and run: their
     * ratio says how many of the cores a part keeps busy.
     */
    private static final class Timings {
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        private final Map<String, double[]> wall = new LinkedHashMap<>(), cpu = new LinkedHashMap<>();
        private final int runs, warmup;

        Timings(int runs, int warmup) {
            this.runs = runs;
            this.warmup = warmup;
        }

        /** {wall nanos, process CPU nanos}. */
        long[] now() {
            return new long[]{System.nanoTime(), os.getProcessCpuTime()};
        }

        void record(int run, String key, long[] start) {
            long[] end = now();
            if (run < warmup) return;
            wall.computeIfAbsent(key, k -> new double[runs])[run - warmup] = (end[0] - start[0]) / 1e6;
            cpu.computeIfAbsent(key, k -> new double[runs])[run - warmup] = (end[1] - start[1]) / 1e6;
        }
    }
}
