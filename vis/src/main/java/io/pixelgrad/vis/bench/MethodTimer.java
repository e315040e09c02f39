package io.pixelgrad.vis.bench;

import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.vis.ActivationMaps;
import io.pixelgrad.vis.Deconvnet;
import io.pixelgrad.vis.GradCam;
import io.pixelgrad.vis.GuidedBackprop;
import io.pixelgrad.vis.GuidedGradCam;
import io.pixelgrad.vis.IntegratedGradients;
import io.pixelgrad.vis.Occlusion;
import io.pixelgrad.vis.Saliency;
import io.pixelgrad.vis.SmoothGrad;
import io.pixelgrad.vis.Target;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times each visualization method once per network and prints one JSON line per run: method, network, ms, peak RSS.
 * A plain runner (no JMH) that bench/compare can call beside the PyTorch side:
 * {@code java ... io.pixelgrad.vis.bench.MethodTimer alexnet vgg16} (default: both, at 224x224, random weights).
 */
public final class MethodTimer {

    private MethodTimer() {
    }

    /** Runs every method on every network named in args and prints JSON lines to standard output. */
    public static void main(String[] args) {
        List<String> networks = args.length == 0 ? List.of("alexnet", "vgg16") : List.of(args);
        for (String n : networks) run(n, 224, System.out);
    }

    /** Times every method on one network with random weights and a random input of the given side. */
    public static void run(String network, int side, PrintStream out) {
        Classifier model = Architectures.create(network);
        Init.randomize(model, 1);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, side, side).subi(0.5f);
        Target top = Target.topClass();
        Map<String, Runnable> methods = new LinkedHashMap<>();
        methods.put("saliency", () -> new Saliency(model).attribute(x, top));
        methods.put("guided", () -> new GuidedBackprop(model).attribute(x, top));
        methods.put("deconv", () -> new Deconvnet(model).attribute(x, top));
        methods.put("deconv_feature", () -> new Deconvnet(model).attribute(x, Target.strongest(model.lastConvReluName())));
        methods.put("gradcam", () -> new GradCam(model).attribute(x, top));
        methods.put("guided-gradcam", () -> new GuidedGradCam(model).attribute(x, top));
        methods.put("occlusion_p32_s16", () -> new Occlusion(model, 32, 16, 0f).attribute(x, top));
        methods.put("smoothgrad_n16", () -> new SmoothGrad(new Saliency(model), 16, 0.15, 0).attribute(x, top));
        methods.put("ig_m16", () -> new IntegratedGradients(new Saliency(model), 16).attribute(x, top));
        methods.put("activations", () -> ActivationMaps.of(model, x, model.lastConvReluName()));
        methods.get("saliency").run(); // warm-up: native libraries, kernels and first allocations
        for (Map.Entry<String, Runnable> e : methods.entrySet()) out.println(time(e.getKey(), network, e.getValue()));
    }

    /** Runs a task once and returns its JSON line. */
    public static String time(String method, String network, Runnable task) {
        resetPeakRss();
        long t0 = System.nanoTime();
        task.run();
        double ms = (System.nanoTime() - t0) / 1e6;
        return String.format(Locale.ROOT, "{\"method\":\"%s\",\"network\":\"%s\",\"ms\":%.1f,\"peak_rss_mb\":%.1f}",
                method, network, ms, peakRssMb());
    }

    /** The process's peak resident memory in MB (Linux's VmHWM), or -1 where it cannot be read. */
    public static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        } catch (Exception e) {
            // not Linux: no peak figure
        }
        return -1;
    }

    /** Resets the peak so the next figure belongs to one method (Linux: writing 5 to clear_refs); ignored elsewhere. */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (Exception e) {
            // peak stays process-wide
        }
    }
}
