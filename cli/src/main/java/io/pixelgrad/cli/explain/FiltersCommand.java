package io.pixelgrad.cli.explain;

import io.pixelgrad.cli.PixelgradCommand;
import io.pixelgrad.cli.UserException;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.options.DtypeOption;
import io.pixelgrad.cli.options.LayerOption;
import io.pixelgrad.cli.options.ModelOption;
import io.pixelgrad.cli.options.OutOption;
import io.pixelgrad.cli.options.WeightsOption;
import io.pixelgrad.vis.Filters;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.zoo.models.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code pixelgrad filters}: a conv layer's filters as a picture, with a smoothness score per filter. */
@Command(name = "filters", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Show a conv layer's filters as tiles, with a smoothness score per filter.",
            "The first layer's filters are RGB tiles; deeper ones are grey tiles (one row per filter, one tile "
                + "per input channel). The score is total variation over squared norm: near 0 smooth, about 2 or more "
                + "noisy."},
        footer = {"", "Example:", "  pixelgrad filters -w alexnet.pth -o out/            (features.0, the first convolution)"})
public final class FiltersCommand extends PixelgradCommand {

    @Mixin
    ModelOption model;
    @Mixin
    WeightsOption weights;
    @Mixin
    LayerOption layer;
    @Mixin
    OutOption out;
    @Mixin
    DtypeOption dtype;

    @Option(names = "--max-inputs", paramLabel = "N", defaultValue = "16",
            description = "Deeper layers: at most this many input channels per filter row (default: ${DEFAULT-VALUE}).")
    int maxInputs;

    @Override
    protected int run() throws Exception {
        if (!out.given()) throw new UserException("--out DIR is required: where filters writes its files");
        if (maxInputs < 1) throw new UserException("--max-inputs must be at least 1, not " + maxInputs);
        Classifier net = loadModel(model, weights, dtype.dataType);
        String name = layer.given() ? layer.layer : Filters.firstConv(net);
        if (layer.given()) layer.resolve(net);
        Filters f = Filters.of(net, name);
        double[] score = f.smoothness();
        int[] s = f.shape();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("method", "filters");
        d.put("pixelgrad_version", VersionProvider.version());
        d.put("model", net.architecture());
        d.put("dtype", dtype.label());
        d.put("weights", weights.label());
        d.put("weights_sha256", Outputs.sha256(weights.file()));
        d.put("layer", name);
        d.put("shape", s);
        d.put("smoothness", score);
        try (Outputs o = new Outputs(out.out)) {
            o.npy("filters.npy", f.array());
            o.png("filters.png", f.render(maxInputs));
            o.json("filters.json", d);
            o.commit().forEach(p -> err().println("wrote " + p));
        }
        out().println(name + ": " + s[0] + " filters " + s[1] + "x" + s[2] + "x" + s[3] + "; smoothness per filter:");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < score.length; i++) sb.append(String.format(Locale.ROOT, "%4d %.3f%s", i, score[i], i % 8 == 7 ? "\n" : "  "));
        out().println(sb.toString().stripTrailing());
        out().flush();
        return 0;
    }
}
