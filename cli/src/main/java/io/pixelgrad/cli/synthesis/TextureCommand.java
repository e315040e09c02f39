package io.pixelgrad.cli.synthesis;

import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.vis.synthesis.InputSpace;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;

/** {@code pixelgrad texture}: a new picture with the style picture's Gram matrices (Gatys et al. 2015). */
@Command(name = "texture", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Texture synthesis (Gatys et al. 2015): from noise, a picture whose Gram matrices G = F F^T / (C H W) "
                + "at the style layers (VGG's relu1_1..relu5_1 by default) match the style picture's, by L-BFGS on the "
                + "picture clamped to [0,1] (the PyTorch tutorial's loop).",
            "Loss: style_weight * sum_l w_l mean((G_l - A_l)^2). Writes texture.npy ([3,S,S] in [0,1]), "
                + "texture.png and texture.json (every parameter, the seed, the Gram-matrix layers used, the loss at "
                + "every step and, as \"trajectory\", the objective -loss)."},
        footer = {"", "Examples:",
            "  pixelgrad texture -w vgg16.pth --style bricks.jpg -o out/",
            "  pixelgrad texture -w vgg16.pth --style bricks.jpg --style-layers relu1_1,relu2_1,relu3_1 --size 256 -o out/"})
public final class TextureCommand extends GramCommand {

    @Override
    protected int run() throws Exception {
        checkCommon();
        Classifier net = load();
        InputSpace space = space(net).withoutResizing();
        int size = size(net);
        INDArray start = init == null ? null
                : readInit(init, new long[]{1, space.channels(), size, size}, "a picture in [0,1] of --size", net.dataType());
        LinkedHashMap<String, Object> extra = new LinkedHashMap<>();
        extra.put("start", init != null ? init.toString() : "U(0,1) noise from the seed");
        return synthesize("texture", net, space, null, size, size, start, extra);
    }
}
