package io.pixelgrad.bench;

import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.nn.Parameter;
import io.pixelgrad.autograd.optim.Adam;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints where one training step of a small network (28x28 grey input, random batches) spends its time: each
 * layer's forward, each backward step, and the optimizer; medians over the runs.
 */
public final class TrainProfiler {

    private TrainProfiler() {
    }

    /** Usage: TrainProfiler NETWORK [batch] [runs]. */
    public static void main(String[] args) {
        Classifier model = Architectures.create(args[0], 10, 1);
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Init.randomize(model, 1);
        model.setTrainable(true);
        model.train(io.pixelgrad.zoo.data.Seeds.random(1, "dropout", 0));
        List<INDArray> values = new ArrayList<>();
        for (Parameter p : model.parameters().values()) values.add(p.value());
        Adam adam = new Adam(values, 1e-3);
        INDArray images = Nd4j.rand(DataType.FLOAT, batch, 1, 28, 28);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = i % 10;
        Map<String, double[]> times = new LinkedHashMap<>();
        int warmup = 3;
        for (int r = 0; r < runs + warmup; r++) {
            final int run = r;
            long step0 = System.nanoTime();
            adam.step(grads -> {
                try (Tape tape = new Tape()) {
                    Tensor x = tape.constant(images);
                    for (Module part : new Module[]{model.features(), model.classifier()}) {
                        if (part == model.classifier()) x = F.flatten(x);
                        for (Map.Entry<String, Module> e : part.children().entrySet()) {
                            long t0 = System.nanoTime();
                            x = e.getValue().forward(x);
                            record(times, run, warmup, runs, "fw " + part.name() + "." + e.getKey() + " " + e.getValue().describe(), t0);
                        }
                    }
                    long t0 = System.nanoTime();
                    Tensor loss = F.crossEntropy(x, labels);
                    record(times, run, warmup, runs, "loss", t0);
                    int[] k = {0};
                    long b0 = System.nanoTime();
                    Gradients g = tape.backward(loss, tape.own(Nd4j.ones(loss.dataType(), loss.shape())), ReluRule.STANDARD,
                            (f, go, gi, nanos) -> {
                                if (run >= warmup) times.computeIfAbsent("bw " + (k[0]++) + " " + f.name()
                                        + java.util.Arrays.toString(go.shape()), key -> new double[runs])[run - warmup] = nanos / 1e6;
                            });
                    record(times, run, warmup, runs, "backward (all)", b0);
                    long c0 = System.nanoTime();
                    int i = 0;
                    for (Parameter p : model.parameters().values()) grads.get(i++).assign(g.of(p.tensor()));
                    record(times, run, warmup, runs, "copy gradients", c0);
                    return loss.value().getDouble(0);
                }
            });
            record(times, run, warmup, runs, "STEP (all)", step0);
        }
        for (Map.Entry<String, double[]> e : times.entrySet()) {
            double[] v = e.getValue().clone();
            java.util.Arrays.sort(v);
            System.out.printf(Locale.ROOT, "%-60s %8.2f ms%n", e.getKey(), v[v.length / 2]);
        }
    }

    private static void record(Map<String, double[]> times, int run, int warmup, int runs, String key, long t0) {
        if (run >= warmup) times.computeIfAbsent(key, k -> new double[runs])[run - warmup] = (System.nanoTime() - t0) / 1e6;
    }
}
