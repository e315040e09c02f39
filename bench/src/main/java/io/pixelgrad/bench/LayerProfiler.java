package io.pixelgrad.bench;

import io.pixelgrad.autograd.BackwardListener;
import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.AdaptiveAvgPool2d;
import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Dropout;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.autograd.nn.Linear;
import io.pixelgrad.autograd.nn.MaxPool2d;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.nn.ReLU;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints, for each layer of a network at batch 1 and 224x224, the median time of its forward step and of its backward
 * step to its input (parameters frozen, as the visualizations run it), next to its FLOPs and the machine's floor for
 * it, to see where a pass spends its time and how far each layer is from what the hardware allows.
 *
 * <p>Each run records the whole network on one {@link Tape}, timing every layer's forward call, then runs one backward
 * pass from the logits (seed 1 at class 3) and collects each function's backward time through a
 * {@link BackwardListener}. The listener does not ask for every step, so the tape takes a max-pool with disjoint
 * windows and the ReLU before it as one step, as a pass without listener does: that step's time is reported on the
 * pool's row and the ReLU's row says "pool". The floor of a layer is max(FLOPs / {@link #PEAK_FLOPS}, bytes /
 * {@link #BANDWIDTH}), bytes being the float32 arrays a step must read and write at least once.
 */
public final class LayerProfiler {

    /**
     * The compute floor in FLOP/s: the median rate of oneDNN's 3x3 convolutions in VGG16 on 2 threads of the benchmark
     * machine (DNNL_VERBOSE=1 prints each one's time), 530 GFLOP/s, unless the system property pixelgrad.floor.gflops
     * gives another figure.
     */
    public static final double PEAK_FLOPS = Double.parseDouble(System.getProperty("pixelgrad.floor.gflops", "530")) * 1e9;
    /**
     * The memory floor in bytes/s: the read bandwidth of 2 threads of the benchmark machine (bench/python/torch_layers.py
     * --probe), 85 GB/s, unless the system property pixelgrad.floor.gbps gives another figure.
     */
    public static final double BANDWIDTH = Double.parseDouble(System.getProperty("pixelgrad.floor.gbps", "85")) * 1e9;

    private LayerProfiler() {
    }

    /** Usage: LayerProfiler NETWORK [runs] [warmup]: medians of runs passes after warmup passes (defaults 20, 30). */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 3 || args[0].startsWith("-")) {
            System.err.println("usage: LayerProfiler NETWORK [runs] [warmup]   (NETWORK: a network for 224x224 RGB images,"
                    + " e.g. alexnet, vgg16, vgg19_bn; defaults: 20 runs after 30 warm-up passes)");
            System.exit(2);
        }
        Classifier model = Architectures.create(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        if (runs < 1 || warmup < 0) throw new IllegalArgumentException("runs must be at least 1 and warmup at least 0");
        Init.randomize(model, 1);
        INDArray image = Nd4j.rand(DataType.FLOAT, 1, 3, 224, 224);
        List<Layer> layers = layers(model);
        int n = layers.size();
        double[][] forward = new double[n][runs], backward = new double[n][runs];
        double[] wholeForward = new double[runs], wholeBackward = new double[runs], unattributed = new double[runs];
        boolean[] stepped = new boolean[n];
        for (int r = 0; r < warmup + runs; r++) {
            int run = r - warmup;
            try (Tape tape = new Tape()) {
                Tensor x = tape.input(image);
                Map<Function, Integer> layerOf = new IdentityHashMap<>();
                long f0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    Layer layer = layers.get(i);
                    Tensor in = x;
                    long t0 = System.nanoTime();
                    x = layer.module == null ? F.flatten(x) : layer.module.forward(x);
                    long nanos = System.nanoTime() - t0;
                    if (x != in && x.creator() != null) layerOf.put(x.creator(), i);
                    if (layer.inShape == null) {
                        layer.inShape = in.shape();
                        layer.outShape = x.shape();
                    }
                    if (run >= 0) forward[i][run] = nanos / 1e6;
                }
                long forwardNanos = System.nanoTime() - f0;
                INDArray seed = tape.own(Nd4j.zeros(DataType.FLOAT, x.shape()));
                seed.putScalar(0, 3, 1.0);
                long[] stepNanos = new long[n];
                long[] elsewhere = {0};
                boolean[] seen = new boolean[n];
                // steps as real passes take them: a max-pool together with the ReLU before it
                BackwardListener listener = BackwardListener.withShortcuts((f, gradOutput, gradInputs, nanos) -> {
                    Integer i = layerOf.get(f);
                    if (i == null) {
                        elsewhere[0] += nanos;
                    } else {
                        stepNanos[i] += nanos;
                        seen[i] = true;
                    }
                });
                long b0 = System.nanoTime();
                tape.backward(x, seed, ReluRule.STANDARD, listener);
                long backwardNanos = System.nanoTime() - b0;
                if (run >= 0) {
                    for (int i = 0; i < n; i++) backward[i][run] = stepNanos[i] / 1e6;
                    System.arraycopy(seen, 0, stepped, 0, n);
                    wholeForward[run] = forwardNanos / 1e6;
                    wholeBackward[run] = backwardNanos / 1e6;
                    unattributed[run] = elsewhere[0] / 1e6;
                }
            }
        }
        print(args[0], runs, warmup, layers, forward, backward, stepped, wholeForward, wholeBackward, unattributed);
    }

    private static void print(String network, int runs, int warmup, List<Layer> layers, double[][] forward,
                              double[][] backward, boolean[] stepped, double[] wholeForward, double[] wholeBackward,
                              double[] unattributed) {
        System.out.printf(Locale.ROOT, "# pixelgrad %s, batch 1, 224x224, float32, %s threads; medians of %d runs after %d warm-up"
                        + " runs; floor = max(FLOPs / %.0f GFLOP/s, bytes / %.0f GB/s)%n", network,
                System.getenv().getOrDefault("OMP_NUM_THREADS", "?"), runs, warmup, PEAK_FLOPS / 1e9, BANDWIDTH / 1e9);
        System.out.printf(Locale.ROOT, "%-14s %-46s %-16s %9s %9s %8s %9s %9s%n", "layer", "module", "output",
                "fw_ms", "bw_ms", "GFLOP", "floor_fw", "floor_bw");
        double fwTotal = 0, bwTotal = 0, flopTotal = 0, floorFwTotal = 0, floorBwTotal = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            double fw = median(forward[i]), bw = median(backward[i]);
            double flops = l.flops(), floorFw = floor(flops, l.forwardBytes()), floorBw = floor(flops, l.backwardBytes());
            fwTotal += fw;
            bwTotal += bw;
            flopTotal += flops;
            floorFwTotal += floorFw;
            floorBwTotal += floorBw;
            // a ReLU whose backward the next max-pool's step took along, or an identity that records no step
            String bwText = stepped[i] ? String.format(Locale.ROOT, "%9.3f", bw)
                    : String.format(Locale.ROOT, "%9s", l.module instanceof ReLU ? "pool" : "-");
            System.out.printf(Locale.ROOT, "%-14s %-46s %-16s %9.3f %s %8.3f %9.3f %9.3f%n", l.name, l.describe(),
                    shapeText(l.outShape), fw, bwText, flops / 1e9, floorFw, floorBw);
        }
        System.out.printf(Locale.ROOT, "%-14s %-46s %-16s %9.3f %9.3f %8.3f %9.3f %9.3f%n", "total", "sum of the medians", "",
                fwTotal, bwTotal, flopTotal / 1e9, floorFwTotal, floorBwTotal);
        System.out.printf(Locale.ROOT, "%-14s %-46s %-16s %9.3f %9.3f%n", "whole pass", "median of the whole forward/backward",
                "", median(wholeForward), median(wholeBackward));
        System.out.printf(Locale.ROOT, "%-14s %-46s %-16s %9s %9.3f%n", "other steps", "backward steps of no layer", "", "",
                median(unattributed));
    }

    /** The layers in the order a pass runs them: features, avgpool, the flatten, then classifier. */
    private static List<Layer> layers(Classifier model) {
        List<Layer> layers = new ArrayList<>();
        for (Map.Entry<String, Module> e : model.features().children().entrySet())
            layers.add(new Layer("features." + e.getKey(), e.getValue()));
        if (model.avgpool() != null) layers.add(new Layer("avgpool", model.avgpool()));
        layers.add(new Layer("flatten", null));
        for (Map.Entry<String, Module> e : model.classifier().children().entrySet())
            layers.add(new Layer("classifier." + e.getKey(), e.getValue()));
        return layers;
    }

    private static double floor(double flops, double bytes) {
        return Math.max(flops / PEAK_FLOPS, bytes / BANDWIDTH) * 1e3;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    private static String shapeText(long[] shape) {
        StringBuilder s = new StringBuilder();
        for (long d : shape) s.append(s.length() == 0 ? "" : "x").append(d);
        return s.toString();
    }

    private static long count(long[] shape) {
        long c = 1;
        for (long d : shape) c *= d;
        return c;
    }

    /** One row of the table: a module (null for the flatten) with the shapes seen in the first pass. */
    private static final class Layer {
        final String name;
        final Module module;
        long[] inShape, outShape;

        Layer(String name, Module module) {
            this.name = name;
            this.module = module;
        }

        String describe() {
            return module == null ? "Flatten" : module.describe();
        }

        /** Weight elements (a convolution's or linear layer's weight and bias), 0 for layers without parameters. */
        long weights() {
            long w = 0;
            if (module instanceof Conv2d || module instanceof Linear)
                for (var p : module.parameters().values()) w += p.value().length();
            return w;
        }

        /** FLOPs of the forward step, multiply-adds counted as 2; the backward step to the input has as many. */
        double flops() {
            if (module instanceof Conv2d c) {
                // 2 * Cin/groups * kH * kW * Cout per output position
                return 2.0 * c.weight().value().length() * count(outShape) / outShape[1];
            }
            if (module instanceof Linear lin) return 2.0 * lin.weight().value().length() * outShape[0];
            return 0;
        }

        /** Bytes a forward step must move at least: input + output (+ weights) in float32; views move none. */
        double forwardBytes() {
            if (module == null || module instanceof Dropout) return 0;
            return 4.0 * (count(inShape) + count(outShape) + weights());
        }

        /**
         * Bytes a backward step to the input must move at least: the gradients at output and input (+ the weights);
         * a ReLU also reads the sign it saved (a float32 array), a max-pool the int64 index of each window's maximum.
         */
        double backwardBytes() {
            if (module == null || module instanceof Dropout) return 0;
            long in = count(inShape), out = count(outShape);
            if (module instanceof Conv2d c) return 4.0 * (in + out + c.weight().value().length());
            if (module instanceof Linear lin) return 4.0 * (in + out + lin.weight().value().length());
            if (module instanceof ReLU) return 4.0 * (in + out + in);
            if (module instanceof MaxPool2d) return 4.0 * (in + out) + 8.0 * out;
            if (module instanceof AdaptiveAvgPool2d) return 4.0 * (in + out);
            return 4.0 * (in + out);
        }
    }
}
