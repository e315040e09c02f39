package io.pixelgrad.cli.synthesis;

import io.pixelgrad.cli.PixelgradCommand;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.explain.Outputs;
import io.pixelgrad.cli.options.DtypeOption;
import io.pixelgrad.cli.options.ModelOption;
import io.pixelgrad.cli.options.OutOption;
import io.pixelgrad.cli.options.WeightsOption;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.vis.synthesis.InputSpace;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.pixelgrad.zoo.images.ImageInputException;
import io.pixelgrad.zoo.images.Images;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.images.Preprocessing;
import io.pixelgrad.zoo.images.RgbImage;
import org.nd4j.linalg.api.buffer.DataType;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the synthesis commands (maximize, dream, invert, attack, texture, style) share: model, weights, dtype, seed and output options; the one-line
 * command-line errors (exit 2) for options that cannot work; and writing pictures, filmstrips and the JSON.
 */
abstract class SynthesisCommand extends PixelgradCommand {

    /** --model. */
    @Mixin
    protected ModelOption model;
    /** --weights. */
    @Mixin
    protected WeightsOption weights;
    /** --dtype. */
    @Mixin
    protected DtypeOption dtype;
    /** --out. */
    @Mixin
    protected OutOption out;

    /** --seed. */
    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of every random draw (start, transforms, jitter): the same seed gives the same picture (default: ${DEFAULT-VALUE}).")
    protected long seed;

    /** --out is required. */
    protected void requireOut() {
        if (!out.given()) throw usage("--out DIR is required: where " + spec.name() + " writes its files");
    }

    /** Loads the model in the --dtype type. */
    protected Classifier load() throws Exception {
        return loadModel(model, weights, dtype.dataType);
    }

    /** The input space of the loaded model: its description's (built-in and trained models), else ImageNet's. */
    protected InputSpace space(Classifier net) throws Exception {
        return InputSpace.forModel(net, weights.card());
    }

    /** Pictures [N,C,H,W] in [0,1] as one PNG: a single picture, or a near-square grid with each picture enlarged to 128 px. */
    protected static BufferedImage pictures(INDArray batch) {
        List<BufferedImage> tiles = tiles(batch);
        if (tiles.size() == 1) return tiles.get(0);
        List<BufferedImage> big = new ArrayList<>();
        for (BufferedImage t : tiles) big.add(Render.enlarge(t, Math.max(1, 128 / Math.max(t.getWidth(), t.getHeight()))));
        return Render.grid(big, (int) Math.ceil(Math.sqrt(big.size())), 4);
    }

    /** One image per picture of a batch [N,C,H,W] in [0,1]. */
    protected static List<BufferedImage> tiles(INDArray batch) {
        double[] v = Passes.values(batch);
        int n = (int) batch.size(0), c = (int) batch.size(1), h = (int) batch.size(2), w = (int) batch.size(3);
        List<BufferedImage> out = new ArrayList<>();
        for (int b = 0; b < n; b++) out.add(Render.picture(v, b * c * h * w, c, h, w));
        return out;
    }

    /** The JSON fields every synthesis output starts with. */
    protected Map<String, Object> describe(String method, Classifier net) throws Exception {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("method", method);
        d.put("pixelgrad_version", VersionProvider.version());
        d.put("model", net.architecture());
        d.put("classes", net.numClasses());
        d.put("dtype", dtype.label());
        d.put("weights", weights.label());
        d.put("weights_sha256", Outputs.sha256(weights.file()));
        d.put("seed", seed);
        return d;
    }

    /**
     * A picture file as [1,C,H,W] in [0,1] in the given type: resized (PIL's bilinear, as torchvision) so that its shorter
     * side is resize (0: as is), then centre-cropped to crop x crop (0: no crop); grey models read the luminance. An
     * unreadable file is a command-line mistake of option (one line, exit 2).
     */
    protected INDArray readPicture(String option, Path file, int resize, int crop, int channels, DataType type) {
        RgbImage img;
        try {
            img = Images.read(file);
            Preprocessing pre = new Preprocessing(resize, crop, Normalization.TORCHVISION);
            img = pre.centerCrop(pre.resizeShorterSide(img));
        } catch (ImageInputException | IllegalArgumentException e) {
            throw usage(option + " " + file + ": " + e.getMessage());
        }
        int h = img.height(), w = img.width();
        double[] v = new double[channels * h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int k = 0; k < channels; k++) {
                    double s = channels == 3 ? img.sample(x, y, k)
                            : Normalization.luminance(img.sample(x, y, 0), img.sample(x, y, 1), img.sample(x, y, 2));
                    v[(k * h + y) * w + x] = s / 255.0;
                }
        return Passes.array(v, type, 1, channels, h, w);
    }

    /** The --init array in the run's type, which must have the given shape (what it holds is said in what). */
    protected INDArray readInit(Path init, long[] shape, String what, DataType type) {
        INDArray a;
        try {
            a = io.pixelgrad.engine.Npy.read(init);
        } catch (java.io.IOException | RuntimeException e) {
            throw usage("--init " + init + " is not a readable .npy array: " + e.getMessage());
        }
        if (!java.util.Arrays.equals(a.shape(), shape))
            throw usage("--init " + init + " has shape " + java.util.Arrays.toString(a.shape()) + "; this run needs "
                    + java.util.Arrays.toString(shape) + " (" + what + ")");
        return a.castTo(type);
    }

    /**
     * The picture the model classifies for an image file, in [0,1], [1,C,H,W]: the model's own preprocessing (its
     * description's input size, else 256 then a 224 crop for ImageNet models, 28 for small ones), as classify does.
     */
    protected INDArray modelPicture(String option, Path file, Classifier net, int channels) throws Exception {
        Preprocessing pre = new io.pixelgrad.cli.options.ImageOption().preprocessing(net, weights.card());
        return readPicture(option, file, pre.resize(), pre.crop(), channels, net.dataType());
    }

    /** The side of the pictures the model classifies (224 for ImageNet models, the input size of small ones). */
    protected int modelSide(Classifier net) throws Exception {
        return new io.pixelgrad.cli.options.ImageOption().preprocessing(net, weights.card()).crop();
    }

    /** --image, or a bundled sample of the built-in model (or of the data set the weights were trained on). */
    protected Path imageOrSample(Path image, String sample) throws Exception {
        if (image != null && sample != null) throw usage("give --image or --sample, not both");
        if (image != null) return image;
        String set = weights.sampleSet();
        if (set == null) throw usage("--image is required: these weights come with no sample images");
        try {
            return io.pixelgrad.zoo.models.BuiltinModels.samplePath(set,
                    sample != null ? sample : io.pixelgrad.zoo.models.BuiltinModels.samples(set).get(0));
        } catch (IllegalArgumentException e) {
            throw usage("--sample: " + e.getMessage());
        }
    }

    /**
     * A class given by index or name for the loaded model (the model's own class names when its description has them,
     * else ImageNet's); an unknown one is a mistake of option (exit 2).
     */
    protected int classIndex(String option, String name, Classifier net) {
        try {
            io.pixelgrad.zoo.models.ModelCard card = namedClasses(net);
            if (card != null) return card.resolveClass(name);
            return io.pixelgrad.zoo.labels.ImageNetLabels.get().resolve(name, net.numClasses());
        } catch (io.pixelgrad.zoo.labels.UnknownClassException e) {
            throw usage(option + ": " + e.getMessage());
        }
    }

    /** The model's description when it names every class, else null (the model loaded, so its description reads). */
    private io.pixelgrad.zoo.models.ModelCard namedClasses(Classifier net) {
        try {
            io.pixelgrad.zoo.models.ModelCard card = weights.card();
            return card != null && card.classes().size() == net.numClasses() ? card : null;
        } catch (io.pixelgrad.zoo.weights.WeightsFormatException e) {
            return null;
        }
    }

    /** "index name" of a class: the model's own names, ImageNet's for 1000 classes, else "class i". */
    protected String className(Classifier net, int index) {
        io.pixelgrad.zoo.models.ModelCard card = namedClasses(net);
        if (card != null) return index + " " + card.className(index);
        return net.numClasses() == io.pixelgrad.zoo.labels.ImageNetLabels.get().size()
                ? index + " " + io.pixelgrad.zoo.labels.ImageNetLabels.get().name(index) : "class " + index;
    }

    /** Commits staged outputs and names each file on standard error. */
    protected void commit(Outputs o) throws java.io.IOException {
        for (Path f : o.commit()) err().println("wrote " + f);
        err().flush();
    }

    /** A picture [1,C,H,W] or a batch as the .npy array: [C,H,W] for one picture, else [N,C,H,W]. */
    protected static INDArray npyArray(INDArray batch) {
        if (batch.size(0) != 1) return batch.dup('c');
        return io.pixelgrad.engine.Arrays.reshapeCopy(batch, batch.size(1), batch.size(2), batch.size(3));
    }
}
