package io.pixelgrad.cli.synthesis;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.cli.Progress;
import io.pixelgrad.cli.UserException;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.explain.Outputs;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.vis.synthesis.DeepDream;
import io.pixelgrad.vis.synthesis.DreamStep;
import io.pixelgrad.vis.synthesis.InputSpace;
import io.pixelgrad.zoo.images.Images;
import io.pixelgrad.zoo.images.RgbImage;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code pixelgrad dream}: DeepDream on a photo. */
@Command(name = "dream", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"DeepDream (Mordvintsev et al. 2015): amplify what a layer sees in a photo, octave by octave.",
            "Gradient ascent on mean(A^2) of the layer with a normalized step, from coarse to fine octaves, with "
                + "the detail carried up, random jitter, and tiles so that large photos need bounded memory. The photo "
                + "is used at its own size. Writes dream.npy ([3,H,W] in [0,1]), dream.png, dream_filmstrip.png (one "
                + "picture per octave) and dream.json (with the objective at every step)."},
        footer = {"", "Examples:",
            "  pixelgrad dream -w vgg16.pth --image photo.jpg --layer features.19 -o out/",
            "  pixelgrad dream -w vgg16.pth --image photo.jpg --normalize laplacian --octaves 5 --steps 20 -o out/"})
public final class DreamCommand extends SynthesisCommand {

    @Option(names = {"-i", "--image"}, paramLabel = "FILE",
            description = "The photo: PNG, JPEG or BMP, used at its own size (default: a sample of the built-in model, see --sample).")
    Path image;

    @Option(names = "--sample", paramLabel = "NAME", description = "A bundled sample of the built-in model instead of --image.")
    String sample;

    @Option(names = {"-l", "--layer"}, paramLabel = "NAME",
            description = "The layer whose activations are amplified, e.g. features.19 (default: the convolution two thirds of the way in).")
    String layer;

    @Option(names = "--octaves", paramLabel = "N",
            description = "Octaves, from coarse to fine (default: 4, fewer for small pictures so the smallest octave keeps 16 pixels).")
    Integer octavesOption;

    @Option(names = "--octave-scale", paramLabel = "S", defaultValue = "1.4", description = "Size ratio between octaves (default: ${DEFAULT-VALUE}).")
    double octaveScale;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "10", description = "Steps per octave (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--step-size", paramLabel = "STEP", defaultValue = "0.025",
            description = "Step in normalized input units after normalizing the gradient (default: ${DEFAULT-VALUE}, about 1.5 in 0..255 pixel units).")
    double stepSize;

    @Option(names = "--jitter", paramLabel = "PIXELS", defaultValue = "32", description = "Random roll of up to this many pixels per step (default: ${DEFAULT-VALUE}).")
    int jitter;

    @Option(names = "--normalize", paramLabel = "HOW", defaultValue = "mean",
            description = "Gradient normalization: mean (divide by mean |g|) or laplacian (Laplacian pyramid, 4 levels) (default: ${DEFAULT-VALUE}).")
    String normalize;

    @Option(names = "--tile", paramLabel = "PIXELS", defaultValue = "224",
            description = "Largest tile of one forward pass; larger photos are split (0: never; default: ${DEFAULT-VALUE}).")
    int tile;

    @Override
    protected int run() throws Exception {
        requireOut();
        if (octavesOption != null && octavesOption < 1) throw usage("--octaves must be at least 1, not " + octavesOption);
        if (!(octaveScale > 1)) throw usage("--octave-scale must be above 1, not " + octaveScale);
        if (steps < 0) throw usage("--steps must be >= 0, not " + steps);
        if (!(stepSize > 0)) throw usage("--step-size must be positive, not " + stepSize);
        if (jitter < 0) throw usage("--jitter must be >= 0, not " + jitter);
        if (tile < 0) throw usage("--tile must be >= 0, not " + tile);
        DreamStep.Normalization norm = switch (normalize.toLowerCase(Locale.ROOT)) {
            case "mean" -> DreamStep.Normalization.MEAN;
            case "laplacian" -> DreamStep.Normalization.LAPLACIAN;
            default -> throw usage("--normalize must be mean or laplacian, not '" + normalize + "'");
        };
        Classifier net = load();
        String target = layer != null ? layer : defaultLayer(net);
        if (!net.modules().containsKey(target) || target.isEmpty()) {
            List<String> names = new ArrayList<>();
            net.modules().forEach((k, m) -> {
                if (m.children().isEmpty()) names.add(k);
            });
            throw usage("no layer '" + target + "' in this model; layers: " + String.join(", ", names));
        }
        InputSpace space = space(net);
        Path file = imageOrSample(image, sample);
        INDArray photo = photo(file, space, net.dataType());
        int octaves = octavesOption != null ? octavesOption : 4;
        if (octavesOption == null)
            while (octaves > 1 && Math.min(photo.size(2), photo.size(3)) / Math.pow(octaveScale, octaves - 1) < 16) octaves--;
        List<int[]> sizes = DeepDream.octaveSizes((int) photo.size(2), (int) photo.size(3), octaves, octaveScale);
        if (sizes.get(0)[0] < 8 || sizes.get(0)[1] < 8)
            throw usage("the smallest octave would be " + sizes.get(0)[1] + "x" + sizes.get(0)[0] + " pixels: use fewer --octaves or a smaller --octave-scale");
        DeepDream.Settings settings = new DeepDream.Settings(octaves, octaveScale, steps, stepSize, jitter, norm, tile, seed);
        DeepDream.Result r;
        try (Progress bar = Progress.start("Dreaming", (long) octaves * steps, "", 1)) {
            r = DeepDream.run(net, space, photo, target, settings, (done, total) -> bar.stepTo(done));
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        }
        Map<String, Object> d = describe("dream", net);
        d.put("image", image != null ? image.toString() : "sample:" + file.getFileName());
        d.put("image_size", new long[]{photo.size(3), photo.size(2)});
        d.put("layer", target);
        d.put("objective", "layer(" + target + ") = mean(A^2)");
        d.put("octaves", octaves);
        d.put("octave_scale", octaveScale);
        List<int[]> wh = new ArrayList<>();
        for (int[] s : r.octaveSizes()) wh.add(new int[]{s[1], s[0]});
        d.put("octave_sizes_wh", wh);
        d.put("steps_per_octave", steps);
        d.put("step_size", stepSize);
        d.put("jitter", jitter);
        d.put("normalize", normalize.toLowerCase(Locale.ROOT));
        d.put("tile", tile);
        d.put("input_space", space.name());
        d.put("trajectory", r.trajectory());
        try (Outputs o = new Outputs(out.out)) {
            o.npy("dream.npy", npyArray(r.picture()));
            o.png("dream.png", pictures(r.picture()));
            o.png("dream_filmstrip.png", filmstrip(r));
            o.json("dream.json", d);
            for (Path f : o.commit()) err().println("wrote " + f);
            err().flush();
        }
        out().println("dreamed " + octaves + " octaves x " + steps + " steps on " + target);
        out().flush();
        return 0;
    }

    /** The convolution two thirds of the way through the model's convolutions (a mid-level layer, as DeepDream uses). */
    static String defaultLayer(Module net) {
        List<String> convs = new ArrayList<>();
        net.modules().forEach((k, m) -> {
            if (m instanceof Conv2d) convs.add(k);
        });
        if (convs.isEmpty()) throw new UserException("the model has no convolution to dream with: give --layer");
        return convs.get(Math.min(convs.size() - 1, (2 * convs.size()) / 3));
    }

    /** The photo at its own size as model input [1,C,H,W] in the model's type. */
    private INDArray photo(Path file, InputSpace space, DataType type) throws Exception {
        RgbImage img = Images.read(file);
        int h = img.height(), w = img.width(), c = space.channels();
        double[] v = new double[c * h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int k = 0; k < c; k++) {
                    // a grey model reads the luminance as PIL's convert("L") computes it, an RGB one every channel
                    double s = c == 3 ? img.sample(x, y, k)
                            : io.pixelgrad.zoo.images.Normalization.luminance(img.sample(x, y, 0), img.sample(x, y, 1), img.sample(x, y, 2));
                    v[(k * h + y) * w + x] = s / 255.0;
                }
        INDArray picture = Passes.array(v, type, 1, c, h, w);
        try (Tape tape = new Tape()) {
            return space.normalize(tape.constant(picture)).value().dup('c');
        }
    }

    private static BufferedImage filmstrip(DeepDream.Result r) {
        List<BufferedImage> frames = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        int height = 160;
        for (int i = 0; i < r.octavePictures().size(); i++) {
            BufferedImage f = pictures(r.octavePictures().get(i));
            frames.add(scaled(f, height));
            int[] s = r.octaveSizes().get(i);
            captions.add("octave " + (i + 1) + ": " + s[1] + "x" + s[0]);
        }
        return Render.filmstrip(frames, captions);
    }

    private static BufferedImage scaled(BufferedImage img, int height) {
        int w = Math.max(1, img.getWidth() * height / img.getHeight());
        BufferedImage out = new BufferedImage(w, height, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, w, height, null);
        g.dispose();
        return out;
    }
}
