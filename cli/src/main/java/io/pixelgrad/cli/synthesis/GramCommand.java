package io.pixelgrad.cli.synthesis;

import io.pixelgrad.autograd.nn.MaxPool2d;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.optim.Lbfgs;
import io.pixelgrad.cli.Progress;
import io.pixelgrad.cli.UserException;
import io.pixelgrad.cli.explain.Outputs;
import io.pixelgrad.vis.synthesis.DivergenceException;
import io.pixelgrad.vis.synthesis.InputSpace;
import io.pixelgrad.vis.synthesis.Objective;
import io.pixelgrad.vis.synthesis.RenderLoop;
import io.pixelgrad.vis.synthesis.Style;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What texture and style share (Gatys et al.): the style picture and its Gram-matrix layers and weights, L-BFGS on the
 * picture clamped to [0,1] as the PyTorch tutorial does, and writing &lt;command&gt;.npy, .png and .json.
 */
abstract class GramCommand extends SynthesisCommand {

    /** --style. */
    @Option(names = {"-s", "--style"}, paramLabel = "FILE", required = true, description = "The style picture: PNG, JPEG or BMP.")
    Path style;

    /** --size. */
    @Option(names = "--size", paramLabel = "PIXELS",
            description = "Side of the result (texture), or the content picture's shorter side (style) (default: 224 for ImageNet"
                    + " models, the input size of small models such as the built-in 28x28 ones).")
    Integer sizeOption;

    /** --style-size. */
    @Option(names = "--style-size", paramLabel = "PIXELS", description = "The style picture's shorter side (default: --size).")
    Integer styleSize;

    /** --style-layers. */
    @Option(names = "--style-layers", paramLabel = "LIST",
            description = "Gram-matrix layers, comma-separated, each a VGG-style name such as relu1_1 or a module such as"
                    + " features.1, optionally with a weight (relu1_1:0.2) (default: relu1_1..relu5_1, the ReLU after the first convolution of each block).")
    String styleLayers;

    /** --style-weight. */
    @Option(names = "--style-weight", paramLabel = "W", defaultValue = "1e6", description = "Weight of the style loss (default: ${DEFAULT-VALUE}, the PyTorch tutorial's).")
    double styleWeight;

    /** --steps. */
    @Option(names = "--steps", paramLabel = "N", defaultValue = "15",
            description = "L-BFGS steps of up to --max-iter evaluations each (default: ${DEFAULT-VALUE}, about the tutorial's 300 evaluations).")
    int steps;

    /** --lr. */
    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "1", description = "L-BFGS learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    /** --max-iter. */
    @Option(names = "--max-iter", paramLabel = "N", defaultValue = "20", description = "L-BFGS iterations per step (default: ${DEFAULT-VALUE}).")
    int maxIter;

    /** --init. */
    @Option(names = "--init", paramLabel = "FILE.npy", description = "Starting picture [1,3,H,W] in [0,1].")
    Path init;

    /** The content layer's module and target for style transfer, or null for a texture. */
    protected record Content(String name, String module, INDArray target, double weight) {
    }

    /** Runs texture or style: the subclass gives the content (or null), the picture's size and its start. */
    protected int synthesize(String command, Classifier net, InputSpace space, Content content, int h, int w, INDArray start,
                             Map<String, Object> extra) throws Exception {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, Double> weights = new LinkedHashMap<>();
        parseStyleLayers(net, names, weights);
        List<String> modules = new ArrayList<>(names.values());
        int c = space.channels();
        int need = minimumSide(net, content == null ? modules : withContent(modules, content.module()));
        if (Math.min(h, w) < need) throw usage("the picture is " + w + "x" + h + "; the deepest layer needs at least " + need + " pixels: raise --size");
        int ss = styleSize != null ? styleSize : Math.min(h, w);
        if (ss < need) throw usage("--style-size " + ss + " is below the " + need + " pixels the deepest style layer needs");
        INDArray stylePicture = readPicture("--style", style, ss, 0, c, net.dataType());
        Map<String, INDArray> grams = Style.grams(net, space, stylePicture, modules);
        Objective objective = Style.objective(grams, weights, styleWeight, content == null ? null : content.module(),
                content == null ? null : content.target(), content == null ? 0 : content.weight());
        Lbfgs[] made = new Lbfgs[1];
        RenderLoop loop = Style.of(net, space, objective, c, h, w).steps(steps).seed(seed)
                .optimizer(p -> made[0] = Lbfgs.builder(p).lr(lr).maxIter(maxIter).build());
        if (start != null) loop.start(start);
        RenderLoop.Result r;
        try (Progress bar = Progress.start(command.equals("style") ? "Transferring style" : "Synthesizing texture", steps, "", 1)) {
            r = loop.listener((step, total, value) -> {
                bar.stepTo(step);
                bar.message(String.format(Locale.ROOT, "loss %.4g", -value));
            }).run();
        } catch (DivergenceException e) {
            throw new UserException(e.getMessage() + "; or lower --lr");
        }
        double finalLoss = -Style.of(net, space, objective, c, h, w).start(r.params()).check();

        Map<String, Object> d = describe(command, net);
        d.putAll(extra);
        d.put("style", style.toString());
        d.put("style_size", new long[]{stylePicture.size(3), stylePicture.size(2)});
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Map.Entry<String, String> e : names.entrySet()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", e.getKey());
            row.put("module", e.getValue());
            row.put("weight", weights.getOrDefault(e.getValue(), 1.0));
            row.put("gram", grams.get(e.getValue()).shape());
            layers.add(row);
        }
        d.put("style_layers", layers);
        d.put("style_weight", styleWeight);
        if (content != null) {
            d.put("content_layer", content.name());
            d.put("content_module", content.module());
            d.put("content_weight", content.weight());
        }
        d.put("loss_definition", "style_weight * sum_l weight_l * mean((G_l - A_l)^2)" + (content != null ? " + content_weight * mean((F - P)^2)" : "")
                + ", G = F F^T / (C H W)");
        d.put("size", new long[]{w, h});
        d.put("optimizer", "lbfgs (history 100, no line search; the picture clamped to [0,1] before every evaluation and after every step)");
        d.put("lr", lr);
        d.put("max_iter", maxIter);
        d.put("steps", steps);
        d.put("evaluations", made[0] == null ? 0 : made[0].functionEvaluations());
        d.put("input_space", space.name());
        if (init != null) d.put("init", init.toString());
        double[] loss = new double[r.trajectory().length];
        for (int i = 0; i < loss.length; i++) loss[i] = -r.trajectory()[i];
        d.put("loss", loss);
        d.put("final_loss", finalLoss);
        d.put("trajectory", r.trajectory());
        try (Outputs o = new Outputs(out.out)) {
            o.npy(command + ".npy", npyArray(r.picture()));
            o.png(command + ".png", pictures(r.picture()));
            o.json(command + ".json", d);
            commit(o);
        }
        io.pixelgrad.engine.Arrays.release(r.params());
        out().println(String.format(Locale.ROOT, "%s: loss %.6g after %d L-BFGS steps (%d evaluations) on %s", command, finalLoss, steps,
                made[0] == null ? 0 : made[0].functionEvaluations(), String.join(", ", names.keySet())));
        out().flush();
        return 0;
    }

    /** --size, or the side of the pictures the model classifies. */
    protected int size(Classifier net) throws Exception {
        return sizeOption != null ? sizeOption : modelSide(net);
    }

    /** Checks the options every Gram command shares (before the model loads). */
    protected void checkCommon() {
        requireOut();
        if (steps < 0) throw usage("--steps must be >= 0, not " + steps);
        if (sizeOption != null && sizeOption < 1) throw usage("--size must be positive, not " + sizeOption);
        if (styleSize != null && styleSize < 1) throw usage("--style-size must be positive, not " + styleSize);
        if (!(lr > 0)) throw usage("--lr must be positive, not " + lr);
        if (maxIter < 1) throw usage("--max-iter must be at least 1, not " + maxIter);
        if (!(styleWeight >= 0)) throw usage("--style-weight must be >= 0, not " + styleWeight);
    }

    /** A layer given by a VGG-style or module name; unknown ones are a mistake of option. */
    protected String module(Classifier net, String option, String layer) {
        try {
            return Style.resolve(net, layer);
        } catch (IllegalArgumentException e) {
            throw usage(option + ": " + e.getMessage());
        }
    }

    private void parseStyleLayers(Classifier net, Map<String, String> names, Map<String, Double> weights) {
        List<String> given = new ArrayList<>();
        if (styleLayers == null) given.addAll(Style.defaultStyleLayers(net));
        else for (String s : styleLayers.split(",")) if (!s.isBlank()) given.add(s.strip());
        if (given.isEmpty()) throw usage("--style-layers: no layers given");
        for (String g : given) {
            int colon = g.lastIndexOf(':');
            String name = colon < 0 ? g : g.substring(0, colon).strip();
            String module = module(net, "--style-layers", name);
            if (names.containsValue(module)) throw usage("--style-layers: " + name + " is given twice");
            names.put(name, module);
            if (colon >= 0) {
                try {
                    weights.put(module, Double.parseDouble(g.substring(colon + 1).strip()));
                } catch (NumberFormatException e) {
                    throw usage("--style-layers: the weight of " + name + " must be a number, not '" + g.substring(colon + 1) + "'");
                }
            }
        }
    }

    private static List<String> withContent(List<String> modules, String content) {
        List<String> all = new ArrayList<>(modules);
        all.add(content);
        return all;
    }

    /** 2^k for the k max-pools before the deepest of the modules: the smallest picture side that reaches it. */
    private static int minimumSide(Classifier net, List<String> modules) {
        int pools = 0, needed = 0;
        for (Map.Entry<String, Module> e : net.modules().entrySet()) {
            if (modules.contains(e.getKey())) needed = pools;
            if (e.getValue() instanceof MaxPool2d) pools++;
        }
        return 1 << needed;
    }
}
