package io.pixelgrad.cli.explain;

import io.pixelgrad.cli.Progress;
import io.pixelgrad.cli.UserException;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.vis.ActivationMaps;
import io.pixelgrad.vis.Attribution;
import io.pixelgrad.vis.synthesis.ClassModel;
import io.pixelgrad.vis.synthesis.ImageParam;
import io.pixelgrad.vis.synthesis.InputSpace;
import io.pixelgrad.vis.synthesis.Objective;
import io.pixelgrad.vis.synthesis.RenderLoop;
import io.pixelgrad.vis.synthesis.Transforms;
import io.pixelgrad.vis.Deconvnet;
import io.pixelgrad.vis.Explainer;
import io.pixelgrad.vis.FragileDecisions;
import io.pixelgrad.vis.GradCam;
import io.pixelgrad.vis.GuidedBackprop;
import io.pixelgrad.vis.GuidedGradCam;
import io.pixelgrad.vis.IntegratedGradients;
import io.pixelgrad.vis.Occlusion;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.vis.Saliency;
import io.pixelgrad.vis.SmoothGrad;
import io.pixelgrad.vis.Target;
import io.pixelgrad.vis.render.Colormap;
import io.pixelgrad.vis.render.HtmlReport;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code pixelgrad explain}: the main methods on one image and one HTML page showing them side by side. */
@Command(name = "explain", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run the main methods on one image and write one HTML page with every map side by side.",
            "Saliency, guided backprop, deconvnet, Grad-CAM, guided Grad-CAM, occlusion, SmoothGrad and "
                + "integrated gradients for one class; each method's .npy/.png/.json, and explain.html with the input, "
                + "the top-5 classes and every map (images embedded)."},
        footer = {"", "Examples:", "  pixelgrad explain -o report/        (the built-in Fashion-MNIST model and its first sample image)",
            "  pixelgrad explain --sample trouser -o report/",
            "  pixelgrad explain -w vgg16.pth -i cat.jpg -o report/ && xdg-open report/explain.html"})
public final class ExplainAllCommand extends ExplainCommand {

    @Option(names = "--patch", paramLabel = "PIXELS", description = "Occlusion patch side (default: 32; 6 for inputs under 64 pixels).")
    Integer patch;
    @Option(names = "--stride", paramLabel = "PIXELS", description = "Occlusion stride (default: 16; 2 for inputs under 64 pixels).")
    Integer stride;
    @Option(names = "--samples", paramLabel = "N", defaultValue = "16", description = "SmoothGrad samples (default: ${DEFAULT-VALUE}).")
    int samples;
    @Option(names = "--steps", paramLabel = "M", defaultValue = "16", description = "Integrated-gradients steps (default: ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--no-occlusion", description = "Skip occlusion (the slowest method).")
    boolean noOcclusion;
    @Option(names = "--synthesis-steps", paramLabel = "N", defaultValue = "48",
            description = "Steps of the synthesis section: the top class's class model and feature visualizations of the last"
                    + " conv layer's four most active channels (0 leaves the section out; default: ${DEFAULT-VALUE}).")
    int synthesisSteps;

    /** What each map shows, under its picture. */
    private static final Map<String, String> CAPTIONS = Map.of(
            "saliency", "Vanilla gradient: max over colour channels of |dS/dx|.",
            "guided", "Guided backprop: positive gradients through active ReLUs only.",
            "deconv", "Deconvnet: the gradient rectified at every ReLU.",
            "gradcam", "Grad-CAM: channels of the layer weighted by their mean gradient.",
            "guided-gradcam", "Guided backprop times Grad-CAM.",
            "occlusion", "Occlusion: score drop when a patch is covered.",
            "smoothgrad", "SmoothGrad: gradient averaged over noisy copies.",
            "ig", "Integrated gradients from a zero (mean) image.");

    @Override
    protected void validate() {
        if ((patch != null && patch < 1) || (stride != null && stride < 1) || samples < 1 || steps < 1)
            throw new UserException("--patch, --stride, --samples and --steps must all be at least 1");
        if (synthesisSteps < 0) throw new UserException("--synthesis-steps must be >= 0, not " + synthesisSteps);
    }

    @Override
    protected int run() throws Exception {
        requireOut();
        validate();
        Colormap cm = colormap();
        Classifier net = loadModel();
        Input in = loadInput(net);
        String camLayer = layer.given() ? layer.layer : net.lastConvReluName();
        if (layer.given()) layer.resolve(net);
        int[] geometry = occlusionGeometry(this.patch, this.stride, in.x().size(2), in.x().size(3));
        int patch = geometry[0], stride = geometry[1];
        if (!noOcclusion) new Occlusion(net, patch, stride, 0).check(in.x().size(2), in.x().size(3));
        INDArray logits = Passes.logits(net, in.x());
        // one class for every method, so the maps can be compared
        Target target = Target.classIndex(target(net, logits));
        Map<String, Explainer> methods = new LinkedHashMap<>();
        methods.put("saliency", new Saliency(net));
        methods.put("guided", new GuidedBackprop(net));
        methods.put("deconv", new Deconvnet(net));
        methods.put("gradcam", new GradCam(net, camLayer));
        methods.put("guided-gradcam", new GuidedGradCam(net, camLayer));
        if (!noOcclusion) methods.put("occlusion", new Occlusion(net, patch, stride, 0));
        methods.put("smoothgrad", new SmoothGrad(new Saliency(net), samples, 0.15, 0));
        methods.put("ig", new IntegratedGradients(new Saliency(net), steps));
        Map<String, Attribution> results = new LinkedHashMap<>();
        try (Progress bar = Progress.start("Explaining", methods.size(), "", 1)) {
            for (Map.Entry<String, Explainer> e : methods.entrySet()) {
                results.put(e.getKey(), e.getValue().attribute(in.x(), target));
                bar.stepTo(results.size());
            }
        }
        int cls = results.get("saliency").targetClass();
        HtmlReport html = new HtmlReport("pixelgrad explain: " + (image.image != null ? image.image.getFileName() : image.label()))
                .fact("model " + net.architecture() + " (" + net.numClasses() + " classes), weights " + weights.shortName()
                        + ", " + dtype.label())
                .fact("explained class " + cls + " (" + className(net, cls) + "), Grad-CAM layer " + camLayer
                        + ", pixelgrad " + VersionProvider.version())
                .input(displayed(in.picture()));
        top5(net, logits, html);
        FragileDecisions.Result fragile = fragileDecisions(net, in);
        if (fragile != null && fragile.reluNearZero() + fragile.poolNearTies() > 0)
            html.fact("float32 decisions within rounding distance: " + fragile.reluNearZero() + " ReLU inputs near zero, "
                    + fragile.poolNearTies() + " max-pool near ties (see the .json files; --dtype float64 settles them)");
        try (Outputs o = new Outputs(out.out)) {
            for (Map.Entry<String, Attribution> e : results.entrySet()) {
                stage(o, e.getKey(), e.getValue(), in, net, cm, e.getKey().equals("occlusion") ? null : fragile);
                Attribution a = e.getValue();
                html.panel(e.getKey(), CAPTIONS.get(e.getKey()), panel(a, in, cm));
            }
            if (synthesisSteps > 0) synthesis(net, in, cls, html, o);
            o.text("explain.html", html.toHtml());
            report(o.commit());
        }
        return 0;
    }

    /**
     * The synthesis section: what the network "wants to see" for the explained class (Simonyan's class model) and for
     * the channels of the last conv layer that this image excites most (feature visualizations, one batch).
     */
    private void synthesis(Classifier net, Input in, int cls, HtmlReport html, Outputs o) throws Exception {
        InputSpace space = InputSpace.forModel(net);
        int c = (int) in.x().size(1), side = (int) in.x().size(2);
        String relu = net.lastConvReluName(), conv = null;
        for (var e : net.features().modules().entrySet()) {
            if (e.getKey().equals(relu)) break;
            if (e.getValue() instanceof io.pixelgrad.autograd.nn.Conv2d) conv = e.getKey();
        }
        ActivationMaps maps = ActivationMaps.of(net, in.x(), relu);
        int[] shape = maps.shape();
        double[] mean = new double[shape[0]];
        double[] v = maps.values();
        int plane = shape[1] * shape[2];
        for (int k = 0; k < shape[0]; k++) for (int i = 0; i < plane; i++) mean[k] += v[k * plane + i] / plane;
        Integer[] order = new Integer[shape[0]];
        for (int k = 0; k < order.length; k++) order[k] = k;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(mean[b], mean[a]) != 0 ? Double.compare(mean[b], mean[a]) : Integer.compare(a, b));
        int count = Math.min(4, order.length);
        java.util.List<Objective> parts = new java.util.ArrayList<>();
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int b = 0; b < count; b++) {
            parts.add(Objective.channel(conv, order[b], b));
            names.add(String.valueOf(order[b]));
        }
        int fvSide = Math.min(side, 96) + Math.min(side, 96) % 2;
        try (Progress bar = Progress.start("Synthesis", 2L * synthesisSteps, "", 1);
             ImageParam classParam = ImageParam.input(1, c, side, side, space);
             ImageParam fvParam = ImageParam.fft(count, c, fvSide, fvSide, c == 3)) {
            RenderLoop.Result classModel = RenderLoop.of(net, space, classParam, ClassModel.objective(cls, ClassModel.LAMBDA))
                    .optimizer(p -> io.pixelgrad.autograd.optim.Sgd.builder(p).lr(ClassModel.LR).build())
                    .steps(synthesisSteps).listener((s, t, val) -> bar.stepTo(s)).run();
            RenderLoop.Result features = RenderLoop.of(net, space, fvParam, Objective.sum(parts))
                    .transforms(fvSide >= 64 ? Transforms.standard() : Transforms.none())
                    .steps(synthesisSteps).listener((s, t, val) -> bar.stepTo(synthesisSteps + s)).run();
            BufferedImage cm = tile(classModel.picture(), 0);
            java.util.List<BufferedImage> fv = new java.util.ArrayList<>();
            for (int b = 0; b < count; b++) fv.add(Render.enlarge(tile(features.picture(), b), Math.max(1, 128 / fvSide)));
            o.png("class_model.png", cm);
            o.png("feature_visualizations.png", Render.grid(fv, count, 4));
            html.panel("class model", "Class model (Simonyan et al. 2013) of class " + cls + " (" + className(net, cls) + "): the input"
                    + " that maximizes its score minus an L2 penalty, " + synthesisSteps + " steps from the mean image.", cm);
            html.panel("feature visualizations", "Feature visualizations of the channels of " + conv + " that this image excites"
                    + " most (" + String.join(", ", names) + "), " + synthesisSteps + " steps each (pixelgrad maximize runs longer).",
                    Render.grid(fv, count, 4));
        }
    }

    private static BufferedImage tile(INDArray pictures, int b) {
        double[] v = Passes.values(pictures);
        int c = (int) pictures.size(1), h = (int) pictures.size(2), w = (int) pictures.size(3);
        return Render.picture(v, b * c * h * w, c, h, w);
    }

    private int target(Classifier net, INDArray logits) throws Exception {
        return target.given() ? target.resolve(net.numClasses(), weights.card()) : Passes.argmax(logits);
    }

    private void top5(Classifier net, INDArray logits, HtmlReport html) throws Exception {
        int k = (int) logits.size(1);
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = 0; i < k; i++) max = Math.max(max, logits.getDouble(0, i));
        for (int i = 0; i < k; i++) sum += Math.exp(logits.getDouble(0, i) - max);
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(logits.getDouble(0, b), logits.getDouble(0, a)));
        for (int r = 0; r < Math.min(5, k); r++) {
            int i = order[r];
            double l = logits.getDouble(0, i);
            html.prediction(new HtmlReport.Prediction(r + 1, i, className(net, i), l, Math.exp(l - max) / sum));
        }
    }
}
