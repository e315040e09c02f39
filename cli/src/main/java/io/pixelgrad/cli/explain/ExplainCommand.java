package io.pixelgrad.cli.explain;

import io.pixelgrad.cli.PixelgradCommand;
import io.pixelgrad.cli.UserException;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.options.ClassOption;
import io.pixelgrad.cli.options.DtypeOption;
import io.pixelgrad.cli.options.ImageOption;
import io.pixelgrad.cli.options.LayerOption;
import io.pixelgrad.cli.options.ModelOption;
import io.pixelgrad.cli.options.OutOption;
import io.pixelgrad.cli.options.WeightsOption;
import io.pixelgrad.vis.Attribution;
import io.pixelgrad.vis.FragileDecisions;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.vis.Target;
import io.pixelgrad.vis.render.Colormap;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.zoo.images.ImageInput;
import io.pixelgrad.zoo.images.Images;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.images.Preprocessing;
import io.pixelgrad.zoo.images.RgbImage;
import io.pixelgrad.zoo.labels.ImageNetLabels;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import io.pixelgrad.zoo.models.ModelCard;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the attribution commands share: the model, weights, image, class, layer and output options; loading and
 * checking everything before any work; and writing {@code <method>.npy}, {@code <method>.png} and
 * {@code <method>.json} together at the end (nothing is written when anything fails).
 */
public abstract class ExplainCommand extends PixelgradCommand {

    /** --model. */
    @Mixin
    protected ModelOption model;
    /** --weights. */
    @Mixin
    protected WeightsOption weights;
    /** --image and its preprocessing. */
    @Mixin
    protected ImageOption image;
    /** --class. */
    @Mixin
    protected ClassOption target;
    /** --layer. */
    @Mixin
    protected LayerOption layer;
    /** --out. */
    @Mixin
    protected OutOption out;
    /** --dtype. */
    @Mixin
    protected DtypeOption dtype;

    /** --colormap. */
    @Option(names = "--colormap", paramLabel = "NAME", defaultValue = "jet",
            description = "Heatmap colours: jet, hot, viridish or grey (default: ${DEFAULT-VALUE}).")
    protected String colormap;

    /** The network input and the picture shown under overlays. */
    protected record Input(INDArray x, BufferedImage picture) {
    }

    /** Checks option values that need no model (counts, sizes); throws {@link UserException}. */
    protected void validate() {
    }

    /** --out is required by every attribution command. */
    protected void requireOut() {
        if (!out.given()) throw new UserException("--out DIR is required: where " + spec.name() + " writes its files");
    }

    /** The chosen colormap, or a one-line error. */
    protected Colormap colormap() {
        try {
            return Colormap.of(colormap);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /** The class to explain: --class by index or name, else the top predicted class. */
    protected Target classTarget(Classifier net) throws Exception {
        return target.given() ? Target.classIndex(target.resolve(net.numClasses(), weights.card())) : Target.topClass();
    }

    /** The image file: --image, or a sample of the built-in model (--sample). */
    protected Path imageFile() throws Exception {
        return image.file(weights.sampleSet());
    }

    /**
     * Loads one image as the model's input, plus the picture (resized and cropped like the input, grey for grey
     * networks) for overlays.
     */
    protected Input loadInput(Classifier net) throws Exception {
        Path file = imageFile();
        Preprocessing p = image.preprocessing(net, weights.card());
        INDArray x = image.load(net, weights.card(), weights.sampleSet(), err());
        if (x.size(0) != 1)
            throw new UserException("image " + image.label() + " holds " + x.size(0) + " images; explain one at a time");
        int h = (int) x.size(2), w = (int) x.size(3);
        if (ImageInput.isNpy(file)) return new Input(x, Render.input(Passes.floats(x), h, w));
        RgbImage rgb = p.centerCrop(p.resizeShorterSide(Images.read(file)));
        if (p.grey()) {
            byte[] v = rgb.rgb().clone();
            for (int i = 0; i < v.length; i += 3) {
                byte l = (byte) Normalization.luminance(v[i] & 0xff, v[i + 1] & 0xff, v[i + 2] & 0xff);
                v[i] = l;
                v[i + 1] = l;
                v[i + 2] = l;
            }
            rgb = new RgbImage(rgb.width(), rgb.height(), v);
        }
        return new Input(x, Render.picture(rgb));
    }

    /**
     * A picture as saved: small networks' inputs (28x28 MNIST, 32x32 CIFAR) are enlarged by a whole factor with
     * nearest-neighbour pixels to about 224 pixels, so maps stay readable; the .npy files keep the network's resolution.
     */
    protected static BufferedImage displayed(BufferedImage img) {
        int side = Math.max(img.getWidth(), img.getHeight());
        return side > 32 ? img : Render.enlarge(img, Math.max(1, 224 / side));
    }

    /**
     * The decisions of the image's forward pass that float32 rounding could flip, for the JSON of a gradient method;
     * null in float64 runs, where no decision is that close at the scale that matters.
     */
    protected FragileDecisions.Result fragileDecisions(Classifier net, Input in) {
        return dtype.dataType == DataType.FLOAT ? FragileDecisions.of(net, in.x()) : null;
    }

    /**
     * Stages the three files of one attribution (plus the low-res map of Grad-CAM and CAM); fragile may be null (no
     * backward pass, or a float64 run).
     */
    protected void stage(Outputs o, String m, Attribution a, Input in, Classifier net, Colormap cm,
                         FragileDecisions.Result fragile) throws Exception {
        o.npy(m + ".npy", a.rawArray());
        if (a.lowResArray() != null) o.npy(m + "_lowres.npy", a.lowResArray());
        o.png(m + ".png", panel(a, in, cm));
        Map<String, Object> d = describe(m, a, net);
        if (fragile != null) d.put("fragile_decisions", fragile.describe());
        o.json(m + ".json", d);
    }

    /**
     * Occlusion's patch side and stride: as given, else 32 and 16, or 6 and 2 for inputs under 64 pixels (the small
     * networks' 28x28 and 32x32 images).
     */
    protected static int[] occlusionGeometry(Integer patch, Integer stride, long h, long w) {
        boolean small = h < 64 || w < 64;
        return new int[]{patch != null ? patch : small ? 6 : 32, stride != null ? stride : small ? 2 : 16};
    }

    /** Heatmap, overlay and (gradient methods) the colour gradient image, side by side, enlarged for small inputs. */
    protected static BufferedImage panel(Attribution a, Input in, Colormap cm) {
        BufferedImage g = a.gradientImage();
        BufferedImage heat = displayed(a.heatmap(cm)), over = displayed(a.overlay(in.picture(), cm));
        return g == null ? Render.row(4, heat, over) : Render.row(4, heat, over, displayed(g));
    }

    /** The JSON description: enough to reproduce the result. */
    protected Map<String, Object> describe(String method, Attribution a, Classifier net) throws Exception {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("method", method);
        d.put("pixelgrad_version", VersionProvider.version());
        d.put("model", net.architecture());
        d.put("classes", net.numClasses());
        d.put("dtype", dtype.label());
        d.put("weights", weights.label());
        d.put("weights_sha256", Outputs.sha256(weights.file()));
        d.put("image", image.label());
        if (a.targetClass() >= 0) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("index", a.targetClass());
            c.put("name", className(net, a.targetClass()));
            c.put("chosen", target.given() ? "given" : "top predicted");
            d.put("class", c);
        }
        d.put("layer", a.layer());
        d.put("input_shape", new long[]{1, net.inputChannels(), a.imageHeight(), a.imageWidth()});
        d.put("raw_shape", a.shape());
        d.put("parameters", a.parameters());
        return d;
    }

    /** Loads the model of --model and --weights (or the built-in model) in the --dtype type. */
    protected Classifier loadModel() throws Exception {
        return loadModel(model, weights, dtype.dataType);
    }

    /** The model's own class name when its weights describe it, ImageNet's for 1000-class models, else "class N". */
    protected String className(Classifier net, int index) throws Exception {
        ModelCard card = weights.card();
        if (card != null && card.classes().size() == net.numClasses()) return card.className(index);
        return net.numClasses() == ImageNetLabels.get().size() ? ImageNetLabels.get().name(index) : "class " + index;
    }

    /** Tells the user which files were written. */
    protected void report(List<Path> files) {
        for (Path f : files) err().println("wrote " + f);
        err().flush();
    }
}
