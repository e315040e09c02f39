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
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the synthesis commands (maximize, dream) share: model, weights, dtype, seed and output options; the one-line
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

    /** A command-line mistake: one line, exit 2. */
    protected CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

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

    /** A picture [1,C,H,W] or a batch as the .npy array: [C,H,W] for one picture, else [N,C,H,W]. */
    protected static INDArray npyArray(INDArray batch) {
        if (batch.size(0) != 1) return batch.dup('c');
        return io.pixelgrad.engine.Arrays.reshapeCopy(batch, batch.size(1), batch.size(2), batch.size(3));
    }
}
