package io.pixelgrad.cli.synthesis;

import io.pixelgrad.autograd.optim.Adam;
import io.pixelgrad.autograd.optim.Sgd;
import io.pixelgrad.cli.Progress;
import io.pixelgrad.cli.UserException;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.explain.Outputs;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.vis.synthesis.DivergenceException;
import io.pixelgrad.vis.synthesis.InputSpace;
import io.pixelgrad.vis.synthesis.Inversion;
import io.pixelgrad.vis.synthesis.RenderLoop;
import io.pixelgrad.vis.synthesis.Style;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code pixelgrad invert}: reconstruct a photo from one layer's representation (or every layer's). */
@Command(name = "invert", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Feature inversion (Mahendran & Vedaldi 2015): what a layer still knows about a photo.",
            "From noise, find the model input x whose representation at the layer matches the photo's, minimizing "
                + "|phi(x)-phi0|^2/|phi0|^2 + l_alpha*sum|x|^6 (on x) + l_tv*TV2 (on the picture) with Adam or SGD with "
                + "momentum. --layers all inverts every ReLU and max-pool output and writes a strip, one reconstruction "
                + "per layer with its normalized error under it: how much of the image survives with depth. Writes "
                + "invert.npy (the reconstruction [3,S,S] in [0,1], or [L,3,S,S]), invert.png, invert_strip.png and "
                + "invert.json (every parameter, the seed, the error per layer and the objective -loss at every step as "
                + "\"trajectory\")."},
        footer = {"", "Examples:",
            "  pixelgrad invert -w vgg16.pth --image photo.jpg --layer relu3_3 -o out/",
            "  pixelgrad invert -w vgg16.pth --image photo.jpg --layers all --steps 100 -o strip/"})
public final class InvertCommand extends SynthesisCommand {

    @Option(names = {"-i", "--image"}, paramLabel = "FILE",
            description = "The photo: PNG, JPEG or BMP, resized so that its shorter side is --size and centre-cropped to a square"
                    + " (default: a sample of the built-in model, see --sample).")
    Path image;

    @Option(names = "--sample", paramLabel = "NAME", description = "A bundled sample of the built-in model instead of --image.")
    String sample;

    @Option(names = {"-l", "--layer"}, paramLabel = "NAME",
            description = "The layer to invert: a module (features.15) or a VGG-style name (relu3_3, pool2, conv4_1).")
    String layer;

    @Option(names = "--layers", paramLabel = "all|LIST",
            description = "Invert several layers, one run each: 'all' (every ReLU and max-pool output) or a comma-separated list.")
    String layers;

    @Option(names = "--size", paramLabel = "PIXELS",
            description = "Picture side (default: 224 for ImageNet models, the input size of small models such as the built-in 28x28 ones).")
    Integer sizeOption;

    @Option(names = "--alpha-weight", paramLabel = "W", description = "Weight of sum|x|^6 on the model input (default: 1e-7).")
    Double alphaWeight;

    @Option(names = "--tv-weight", paramLabel = "W", description = "Weight of the total variation TV2 of the picture (default: 1e-4).")
    Double tvWeight;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "adam, or sgd (with momentum 0.9, as Mahendran & Vedaldi) (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate in normalized input units (default: 0.05 for adam, 1 for sgd).")
    Double lr;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "200", description = "Steps per layer (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--init", paramLabel = "FILE.npy",
            description = "Starting model input [1,3,S,S] in normalized units; default: 0.1 * N(0,1) noise from --seed.")
    Path init;

    @Override
    protected int run() throws Exception {
        requireOut();
        if ((layer == null) == (layers == null)) throw usage("give one of --layer NAME or --layers all|LIST");
        if (steps < 0) throw usage("--steps must be >= 0, not " + steps);
        if (sizeOption != null && sizeOption < 8) throw usage("--size must be at least 8, not " + sizeOption);
        String opt = optimizer.toLowerCase(Locale.ROOT);
        if (!opt.equals("adam") && !opt.equals("sgd")) throw usage("--optimizer must be adam or sgd, not '" + optimizer + "'");
        double rate = lr != null ? lr : opt.equals("sgd") ? 1 : Inversion.LR;
        double la = alphaWeight != null ? alphaWeight : Inversion.ALPHA_WEIGHT, lt = tvWeight != null ? tvWeight : Inversion.TV_WEIGHT;
        if (!(rate > 0)) throw usage("--lr must be positive, not " + rate);
        if (!(la >= 0) || !(lt >= 0)) throw usage("--alpha-weight and --tv-weight must be >= 0");

        Classifier net = load();
        InputSpace space = space(net).withoutResizing();
        List<String> targets = layerList(net);
        int c = space.channels();
        int size = sizeOption != null ? sizeOption : modelSide(net);
        Path file = imageOrSample(image, sample);
        INDArray photo = readPicture("--image", file, size, size, c, net.dataType());
        INDArray x = Style.modelInput(space, photo);
        INDArray start = init == null ? null
                : readInit(init, new long[]{1, c, size, size}, "the model input of one " + size + " px picture", net.dataType());

        List<INDArray> pictures = new ArrayList<>();
        List<Map<String, Object>> perLayer = new ArrayList<>();
        Map<String, double[]> trajectories = new LinkedHashMap<>();
        long total = (long) steps * targets.size();
        try (Progress bar = Progress.start("Inverting", total, "", 1)) {
            for (int i = 0; i < targets.size(); i++) {
                String target = targets.get(i);
                INDArray phi0 = Inversion.representation(net, x, target);
                RenderLoop loop;
                try {
                    loop = Inversion.of(net, space, phi0, target, c, size, size, la, lt, seed).steps(steps)
                            .optimizer(opt.equals("sgd") ? p -> Sgd.builder(p).lr(rate).momentum(0.9).build() : p -> Adam.builder(p).lr(rate).build());
                } catch (IllegalArgumentException e) {
                    throw usage(e.getMessage());
                }
                if (start != null) loop.start(start);
                final long offset = (long) i * steps;
                loop.listener((step, all, value) -> {
                    bar.stepTo(offset + step);
                    bar.message(String.format(Locale.ROOT, "%s loss %.4g", target, -value));
                });
                RenderLoop.Result r;
                try {
                    r = loop.run();
                } catch (DivergenceException e) {
                    throw new UserException(target + ": " + e.getMessage() + "; or lower --lr");
                }
                double error = Inversion.error(net, r.params(), target, phi0);
                pictures.add(r.picture());
                trajectories.put(target, r.trajectory());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("layer", target);
                String named = vggName(net, target);
                if (named != null) row.put("name", named);
                row.put("shape", phi0.shape());
                row.put("error", error);
                perLayer.add(row);
                io.pixelgrad.engine.Arrays.release(phi0, r.params());
            }
        }

        Map<String, Object> d = describe("invert", net);
        d.put("image", image != null ? image.toString() : "sample:" + file.getFileName());
        d.put("size", size);
        d.put("loss", "|phi(x)-phi0|^2/|phi0|^2 + alpha_weight*sum|x|^6 + tv_weight*TV2(picture)");
        d.put("alpha_weight", la);
        d.put("tv_weight", lt);
        d.put("optimizer", opt.equals("sgd") ? "sgd (momentum 0.9)" : "adam");
        d.put("lr", rate);
        d.put("steps", steps);
        d.put("input_space", space.name());
        if (init != null) d.put("init", init.toString());
        d.put("layers", perLayer);
        d.put("trajectory", targets.size() == 1 ? trajectories.get(targets.get(0)) : trajectories);
        INDArray all = pictures.size() == 1 ? pictures.get(0) : org.nd4j.linalg.factory.Nd4j.concat(0, pictures.toArray(new INDArray[0]));
        try (Outputs o = new Outputs(out.out)) {
            o.npy("invert.npy", npyArray(all));
            o.png("invert.png", pictures.size() == 1 ? pictures(pictures.get(0)) : strip(photo, pictures, perLayer));
            o.png("invert_strip.png", strip(photo, pictures, perLayer));
            o.json("invert.json", d);
            commit(o);
        }
        for (Map<String, Object> row : perLayer)
            out().println(String.format(Locale.ROOT, "%-14s normalized error %.4f", row.get("layer"), (Double) row.get("error")));
        out().flush();
        return 0;
    }

    /** The layers to invert, as module names; unknown ones are a command-line mistake. */
    private List<String> layerList(Classifier net) {
        if (layers != null && layers.strip().equalsIgnoreCase("all")) return Inversion.reluAndPoolLayers(net);
        List<String> out = new ArrayList<>();
        for (String l : (layer != null ? layer : layers).split(",")) {
            try {
                out.add(Style.resolve(net, l.strip()));
            } catch (IllegalArgumentException e) {
                throw usage((layer != null ? "--layer: " : "--layers: ") + e.getMessage());
            }
        }
        return out;
    }

    /** The VGG-style name of a module (relu3_3), or null. */
    private static String vggName(Classifier net, String module) {
        for (Map.Entry<String, String> e : Style.layerNames(net).entrySet()) if (e.getValue().equals(module)) return e.getKey();
        return null;
    }

    /** The photo, then each reconstruction with its layer and normalized error under it. */
    private static BufferedImage strip(INDArray photo, List<INDArray> pictures, List<Map<String, Object>> rows) {
        List<BufferedImage> frames = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        // small pictures are enlarged so that the captions fit under them
        int factor = Math.max(1, (int) Math.ceil(128.0 / photo.size(3)));
        frames.add(Render.enlarge(pictures(photo), factor));
        captions.add("photo");
        for (int i = 0; i < pictures.size(); i++) {
            frames.add(Render.enlarge(pictures(pictures.get(i)), factor));
            Map<String, Object> row = rows.get(i);
            Object name = row.getOrDefault("name", row.get("layer"));
            captions.add(String.format(Locale.ROOT, "%s  err %.3f", name, (Double) row.get("error")));
        }
        return Render.filmstrip(frames, captions);
    }
}
