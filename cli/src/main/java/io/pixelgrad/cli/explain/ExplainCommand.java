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
        return target.given() ? Target.classIndex(target.resolve(net.numClasses())) : Target.topClass();
    }

    /** Loads one image as the model's input, plus the picture (resized and cropped like the input) for overlays. */
    protected Input loadInput(Classifier net) throws Exception {
        INDArray x = image.load(net, err());
        if (x.size(0) != 1)
            throw new UserException("image " + image.image + " holds " + x.size(0) + " images; explain one at a time");
        int h = (int) x.size(2), w = (int) x.size(3);
        if (ImageInput.isNpy(image.image)) return new Input(x, Render.input(Passes.floats(x), h, w));
        boolean caffe = net.architecture().startsWith("caffe_");
        int side = image.crop > 0 ? image.crop : caffe ? 227 : 224;
        Preprocessing p = new Preprocessing(Math.max(256, side), side, Normalization.TORCHVISION);
        RgbImage rgb = p.centerCrop(p.resizeShorterSide(Images.read(image.image)));
        BufferedImage pic = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rgb.height(); y++)
            for (int xx = 0; xx < rgb.width(); xx++)
                pic.setRGB(xx, y, rgb.sample(xx, y, 0) << 16 | rgb.sample(xx, y, 1) << 8 | rgb.sample(xx, y, 2));
        return new Input(x, pic);
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
        BufferedImage g = a.gradientImage();
        BufferedImage panel = g == null ? Render.row(4, a.heatmap(cm), a.overlay(in.picture(), cm))
                : Render.row(4, a.heatmap(cm), a.overlay(in.picture(), cm), g);
        o.png(m + ".png", panel);
        Map<String, Object> d = describe(m, a, net);
        if (fragile != null) d.put("fragile_decisions", fragile.describe());
        o.json(m + ".json", d);
    }

    /** The JSON description: enough to reproduce the result. */
    protected Map<String, Object> describe(String method, Attribution a, Classifier net) throws Exception {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("method", method);
        d.put("pixelgrad_version", VersionProvider.version());
        d.put("model", net.architecture());
        d.put("classes", net.numClasses());
        d.put("dtype", dtype.label());
        d.put("weights", weights.weights.toString());
        d.put("weights_sha256", Outputs.sha256(weights.weights));
        d.put("image", image.image.toString());
        if (a.targetClass() >= 0) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("index", a.targetClass());
            c.put("name", className(net, a.targetClass()));
            c.put("chosen", target.given() ? "given" : "top predicted");
            d.put("class", c);
        }
        d.put("layer", a.layer());
        d.put("input_shape", new long[]{1, a.shape().length == 3 ? a.shape()[0] : 3, a.imageHeight(), a.imageWidth()});
        d.put("raw_shape", a.shape());
        d.put("parameters", a.parameters());
        return d;
    }

    /** Loads the model of --model and --weights in the --dtype type. */
    protected Classifier loadModel() throws Exception {
        return loadModel(model, weights, dtype.dataType);
    }

    /** ImageNet's name for 1000-class models, else "class N". */
    protected static String className(Classifier net, int index) {
        return net.numClasses() == ImageNetLabels.get().size() ? ImageNetLabels.get().name(index) : "class " + index;
    }

    /** Tells the user which files were written. */
    protected void report(List<Path> files) {
        for (Path f : files) err().println("wrote " + f);
        err().flush();
    }
}
