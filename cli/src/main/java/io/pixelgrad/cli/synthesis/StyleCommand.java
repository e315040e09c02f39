package io.pixelgrad.cli.synthesis;

import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.vis.synthesis.InputSpace;
import io.pixelgrad.vis.synthesis.Inversion;
import io.pixelgrad.vis.synthesis.Style;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;

/** {@code pixelgrad style}: the content picture redrawn in the style picture's textures (Gatys et al. 2016). */
@Command(name = "style", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Style transfer (Gatys et al. 2016): a picture with the content picture's features at the content "
                + "layer (relu4_2) and the style picture's Gram matrices at the style layers (relu1_1..relu5_1), by "
                + "L-BFGS on the picture clamped to [0,1], starting from the content picture (the PyTorch tutorial's "
                + "loop and weights).",
            "Loss: style_weight * sum_l w_l mean((G_l - A_l)^2) + content_weight * mean((F - P)^2). Writes "
                + "style.npy ([3,H,W] in [0,1]), style.png and style.json (every parameter, the seed, the Gram-matrix "
                + "layers used, the loss at every step and, as \"trajectory\", the objective -loss)."},
        footer = {"", "Examples:",
            "  pixelgrad style -w vgg16.pth --content photo.jpg --style starry_night.jpg -o out/",
            "  pixelgrad style -w vgg16.pth --content photo.jpg --style starry_night.jpg --style-weight 1e5 --start noise -o out/"})
public final class StyleCommand extends GramCommand {

    @Option(names = {"-c", "--content"}, paramLabel = "FILE", required = true,
            description = "The content picture: PNG, JPEG or BMP, resized so that its shorter side is --size.")
    Path content;

    @Option(names = "--content-layer", paramLabel = "NAME",
            description = "The content layer: a VGG-style name or a module (default: relu4_2).")
    String contentLayer;

    @Option(names = "--content-weight", paramLabel = "W", defaultValue = "1", description = "Weight of the content loss (default: ${DEFAULT-VALUE}).")
    double contentWeight;

    @Option(names = "--start", paramLabel = "FROM", defaultValue = "content",
            description = "Start from the content picture or from U(0,1) noise drawn from --seed (default: ${DEFAULT-VALUE}); --init overrides.")
    String start;

    @Override
    protected int run() throws Exception {
        checkCommon();
        if (!(contentWeight >= 0)) throw usage("--content-weight must be >= 0, not " + contentWeight);
        String from = start.toLowerCase(Locale.ROOT);
        if (!from.equals("content") && !from.equals("noise")) throw usage("--start must be content or noise, not '" + start + "'");
        Classifier net = load();
        InputSpace space = space(net).withoutResizing();
        String layerName = contentLayer != null ? contentLayer : Style.defaultContentLayer(net);
        String module = module(net, "--content-layer", layerName);
        INDArray picture = readPicture("--content", content, size(net), 0, space.channels(), net.dataType());
        int h = (int) picture.size(2), w = (int) picture.size(3);
        INDArray begin = init != null ? readInit(init, picture.shape(), "a picture in [0,1] of the content's size", net.dataType())
                : from.equals("content") ? picture : null;
        INDArray x = Style.modelInput(space, picture);
        Content c;
        try {
            c = new Content(layerName, module, Inversion.representation(net, x, module), contentWeight);
        } catch (IllegalArgumentException e) {
            throw usage("--content " + content + " is too small for " + layerName + " (" + e.getMessage() + "): raise --size");
        }
        LinkedHashMap<String, Object> extra = new LinkedHashMap<>();
        extra.put("content", content.toString());
        extra.put("start", init != null ? init.toString() : from.equals("content") ? "the content picture" : "U(0,1) noise from the seed");
        return synthesize("style", net, space, c, h, w, begin, extra);
    }
}
