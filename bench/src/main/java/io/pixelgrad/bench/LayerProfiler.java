package io.pixelgrad.bench;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Prints the median forward time of each layer of a network at 224x224, to see where a pass spends its time. */
public final class LayerProfiler {

    private LayerProfiler() {
    }

    /** Usage: LayerProfiler NETWORK [runs]. */
    public static void main(String[] args) {
        Classifier model = Architectures.create(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Init.randomize(model, 1);
        INDArray image = Nd4j.rand(DataType.FLOAT, 1, 3, 224, 224);
        Map<String, double[]> times = new LinkedHashMap<>();
        for (int r = 0; r < runs + 2; r++) {
            try (Tape tape = new Tape()) {
                Tensor x = tape.input(image);
                for (Module part : new Module[]{model.features(), model.avgpool(), model.classifier()}) {
                    if (part == model.classifier()) x = io.pixelgrad.autograd.F.flatten(x);
                    for (Map.Entry<String, Module> e : part.children().entrySet()) {
                        long t0 = System.nanoTime();
                        x = part == model.avgpool() ? part.forward(x) : e.getValue().forward(x);
                        double ms = (System.nanoTime() - t0) / 1e6;
                        if (r >= 2) times.computeIfAbsent(part.name() + "." + e.getKey(), k -> new double[runs])[r - 2] = ms;
                    }
                    if (part == model.avgpool()) {
                        long t0 = System.nanoTime();
                        if (r >= 2) times.computeIfAbsent("avgpool", k -> new double[runs])[r - 2] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                INDArray seed = Nd4j.zeros(DataType.FLOAT, x.shape());
                seed.putScalar(0, 3, 1.0);
                long t0 = System.nanoTime();
                final int run = r;
                int[] step = {0};
                tape.backward(x, seed, io.pixelgrad.autograd.ReluRule.STANDARD, (f, g, gi, nanos) -> {
                    if (run >= 2)
                        times.computeIfAbsent("bw " + (step[0]++) + " " + f.name() + java.util.Arrays.toString(g.shape()), k -> new double[runs])[run - 2] = nanos / 1e6;
                });
                if (r >= 2) times.computeIfAbsent("backward (all)", k -> new double[runs])[r - 2] = (System.nanoTime() - t0) / 1e6;
            }
        }
        double total = 0;
        for (Map.Entry<String, double[]> e : times.entrySet()) {
            double[] v = e.getValue().clone();
            java.util.Arrays.sort(v);
            total += v[v.length / 2];
            System.out.printf(Locale.ROOT, "%-20s %8.2f ms%n", e.getKey(), v[v.length / 2]);
        }
        System.out.printf(Locale.ROOT, "%-20s %8.2f ms%n", "sum of medians", total);
    }
}
