package io.pixelgrad.bench;

import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.engine.Kernels;
import io.pixelgrad.vis.Deconvnet;
import io.pixelgrad.vis.GradCam;
import io.pixelgrad.vis.IntegratedGradients;
import io.pixelgrad.vis.Occlusion;
import io.pixelgrad.vis.ProgressListener;
import io.pixelgrad.vis.Saliency;
import io.pixelgrad.vis.SmoothGrad;
import io.pixelgrad.vis.Target;
import io.pixelgrad.vis.synthesis.DeepDream;
import io.pixelgrad.vis.synthesis.DreamStep;
import io.pixelgrad.vis.synthesis.ImageParam;
import io.pixelgrad.vis.synthesis.InputSpace;
import io.pixelgrad.vis.synthesis.Objective;
import io.pixelgrad.vis.synthesis.RenderLoop;
import io.pixelgrad.vis.synthesis.Transforms;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Times one pass of one network: warm-up runs, then the median of timed runs, and the process's peak resident
 * memory. Prints one JSON line, which bench/compare puts beside PyTorch's numbers for the same pass.
 *
 * <p>Usage: {@code PassRunner NETWORK PASS [warmup] [runs] [float32|float64] [warmup-seconds]}: the warm-up takes at
 * least warmup runs and at least warmup-seconds seconds (default 0), the first run's time is reported apart as the cold
 * time. PASS one of forward, backward (forward plus backward to
 * the input), guided, deconvnet, or a visualization method: saliency, gradcam, deconv_feature, occlusion (patch 32,
 * stride 24, batches of 8), smoothgrad (16 samples), ig (16 steps). bench/python/torch_passes.py does the same in
 * PyTorch.
 */
public final class PassRunner {

    private PassRunner() {
    }

    /** Runs the benchmark named on the command line. */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: PassRunner NETWORK forward|backward|guided|deconvnet|saliency|gradcam|deconv_feature|occlusion|smoothgrad|ig [warmup] [runs] [float32|float64] [warmup-seconds]");
            System.exit(2);
        }
        String network = args[0], pass = args[1];
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        String dtype = args.length > 4 ? args[4] : "float32";
        double warmupSeconds = args.length > 5 ? Double.parseDouble(args[5]) : 0;
        DataType type = dtype.equals("float64") ? DataType.DOUBLE : DataType.FLOAT;
        Classifier model = Architectures.create(network);
        Init.randomize(model, 1);
        if (type != DataType.FLOAT) model.toDataType(type);
        INDArray image = Nd4j.rand(DataType.FLOAT, 1, 3, 224, 224).subi(0.5).muli(4).castTo(type);
        Consumer<Void> step = switch (pass) {
            case "forward" -> v -> forward(model, image);
            case "backward" -> v -> backward(model, image, ReluRule.STANDARD);
            case "guided" -> v -> backward(model, image, ReluRule.GUIDED);
            case "deconvnet" -> v -> backward(model, image, ReluRule.DECONVNET);
            case "saliency" -> v -> new Saliency(model).attribute(image, Target.topClass());
            case "gradcam" -> v -> new GradCam(model).attribute(image, Target.topClass());
            case "deconv_feature" -> v -> new Deconvnet(model).attribute(image, Target.strongest(model.lastConvReluName()));
            case "occlusion" -> v -> new Occlusion(model, 32, 24, 0f, 8, ProgressListener.NONE).attribute(image, Target.topClass());
            case "smoothgrad" -> v -> new SmoothGrad(new Saliency(model), 16, 0.15, 0).attribute(image, Target.topClass());
            case "ig" -> v -> new IntegratedGradients(new Saliency(model), 16).attribute(image, Target.topClass());
            case "maximize" -> v -> maximize(model, network);
            case "dream" -> v -> dream(model);
            case "invert", "fgsm", "pgd", "fool", "texture", "style" -> SynthesisPasses.of(pass, model);
            default -> throw new IllegalArgumentException("unknown pass " + pass);
        };
        // the JIT compiles as the runs go: warm up for a number of runs and a time, and report the cold first run apart
        long start = System.nanoTime();
        step.accept(null);
        double first = (System.nanoTime() - start) / 1e6;
        int warmed = 1;
        while (warmed < warmup || System.nanoTime() - start < warmupSeconds * 1e9) {
            step.accept(null);
            warmed++;
        }
        List<Double> times = new ArrayList<>();
        List<Double> cpuTimes = new ArrayList<>();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (int i = 0; i < runs; i++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            step.accept(null);
            times.add((System.nanoTime() - t0) / 1e6);
            cpuTimes.add((os.getProcessCpuTime() - c0) / 1e6);
        }
        double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = median(times);
        System.out.printf(Locale.ROOT, "{\"impl\":\"pixelgrad\",\"network\":\"%s\",\"pass\":\"%s\",\"dtype\":\"" + dtype + "\",\"median_ms\":%.2f,"
                        + "\"min_ms\":%.2f,\"first_ms\":%.2f,\"warmup_runs\":%d,\"cpu_ms\":%.2f,\"peak_rss_mb\":%.1f,\"kernels\":\"%s\",\"threads\":\"%s\",\"runs_ms\":%s}%n",
                network, pass, median, sorted[0], first, warmed, median(cpuTimes), peakRssMb(), Kernels.get().name(), System.getenv("OMP_NUM_THREADS"),
                Arrays.toString(times.stream().mapToLong(Math::round).toArray()));
    }

    /**
     * 10 steps of feature visualization as bench/python/torch_passes.py runs them: fft, decorrelated, standard
     * transforms, Adam 0.05; VGG16 at 224, AlexNet at 128 (upsampled to 224); channel 12 of the last convolution.
     */
    private static void maximize(Classifier model, String network) {
        int side = network.startsWith("vgg") ? 224 : 128;
        String conv = null;
        for (var e : model.modules().entrySet()) if (e.getValue() instanceof io.pixelgrad.autograd.nn.Conv2d) conv = e.getKey();
        try (ImageParam p = ImageParam.fft(1, 3, side, side, true)) {
            RenderLoop.of(model, InputSpace.imagenet(), p, Objective.channel(conv, 12)).transforms(Transforms.standard())
                    .steps(10).run();
        }
    }

    /** DeepDream on a 512x512 picture: 3 octaves of 10 steps, jitter 32, tiles of 224, mean normalization. */
    private static void dream(Classifier model) {
        INDArray photo = Nd4j.rand(DataType.FLOAT, 1, 3, 512, 512);
        DeepDream.Settings s = new DeepDream.Settings(3, 1.4, 10, 0.025, 32, DreamStep.Normalization.MEAN, 224, 0);
        String layer = null;
        java.util.List<String> convs = new java.util.ArrayList<>();
        for (var e : model.modules().entrySet()) if (e.getValue() instanceof io.pixelgrad.autograd.nn.Conv2d) convs.add(e.getKey());
        layer = convs.get(Math.min(convs.size() - 1, 2 * convs.size() / 3));
        DeepDream.run(model, InputSpace.imagenet(), photo, layer, s, ProgressListener.NONE);
        photo.close();
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void forward(Classifier model, INDArray image) {
        try (Tape tape = new Tape()) {
            model.forward(tape.constant(image));
        }
    }

    private static void backward(Classifier model, INDArray image, ReluRule rule) {
        try (Tape tape = new Tape()) {
            Tensor x = tape.input(image);
            Tensor logits = model.forward(x);
            INDArray seed = Nd4j.zeros(logits.dataType(), logits.shape());
            seed.putScalar(0, logits.value().argMax(1).getInt(0), 1.0);
            Gradients g = tape.backward(logits, seed, rule);
            g.of(x);
            seed.close();
        }
    }

    /** The peak resident set size of this process (VmHWM), in MiB; -1 where /proc is not available. */
    static double peakRssMb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) return -1;
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
        return -1;
    }
}
