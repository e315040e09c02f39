package io.pixelgrad.cli.dataset;

import io.pixelgrad.cli.Progress;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.explain.Outputs;
import io.pixelgrad.cli.options.OutOption;
import io.pixelgrad.vis.dataset.DatasetPass;
import io.pixelgrad.vis.dataset.FeatureStore;
import io.pixelgrad.vis.dataset.MapPlot;
import io.pixelgrad.vis.dataset.Pca;
import io.pixelgrad.vis.dataset.Tsne;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.zoo.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code pixelgrad map}: a 2-D map (PCA or t-SNE) of a data set's penultimate features, with thumbnails. */
@Command(name = "map", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run a model over a data set and lay out the images by their penultimate-layer features in 2-D: PCA "
                + "(the first two principal components) or t-SNE (perplexity 30, exact below 5000 images, Barnes-Hut "
                + "above, on the first 50 principal components as in van der Maaten's implementation).",
            "Writes map.png (a dot per image in its class colour, thumbnails, a legend), map.csv (index, label, "
                + "class, x, y) and map.json (parameters; explained variance, or the KL divergence every 50 "
                + "iterations). The same --seed gives the same map bit for bit."},
        footer = {"", "Example:",
            "  pixelgrad map --method tsne --dataset fashion-mnist --data /usr/share/datasets/fashion-mnist --limit 2000 --out map/"})
public final class MapCommand extends DatasetViewCommand {

    @Option(names = "--method", paramLabel = "NAME", defaultValue = "tsne", description = "pca or tsne (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--perplexity", paramLabel = "P", defaultValue = "30",
            description = "t-SNE: the effective number of neighbours (default: ${DEFAULT-VALUE}; lowered to (N-1)/3 for small sets).")
    double perplexity;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "1000", description = "t-SNE: gradient steps (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--theta", paramLabel = "T", defaultValue = "0.5",
            description = "t-SNE: Barnes-Hut accuracy, 0 for exact t-SNE at any size (default: ${DEFAULT-VALUE}).")
    double theta;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "t-SNE: seed of the start (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--side", paramLabel = "PIXELS", defaultValue = "1000", description = "Side of the plot in map.png (default: ${DEFAULT-VALUE}).")
    int side;

    @Option(names = "--no-thumbnails", description = "Draw dots only.")
    boolean noThumbnails;

    @Mixin
    OutOption out;

    @Override
    protected int run() throws Exception {
        if (!out.given()) throw usage("--out DIR is required: where map writes map.png, map.csv and map.json");
        String m = method.strip().toLowerCase(Locale.ROOT);
        if (!m.equals("pca") && !m.equals("tsne")) throw usage("--method must be pca or tsne, not '" + method + "'");
        if (!(perplexity > 0)) throw usage("--perplexity must be positive, not " + perplexity);
        if (iterations < 1) throw usage("--iterations must be at least 1, not " + iterations);
        if (!(theta >= 0)) throw usage("--theta must be >= 0, not " + theta);
        if (side < 200 || side > 8000) throw usage("--side must be 200 to 8000, not " + side);
        Loaded l = load();
        Dataset d = l.dataset();
        if (d.size() < 3) throw usage("a map needs at least 3 images; the data set has " + d.size());
        String layer = DatasetPass.penultimate(l.net());
        Map<String, Object> json = facts("map", l);
        json.put("method", m);
        json.put("feature_layer", layer);
        double[][] xy;
        try (FeatureStore features = new FeatureStore(featureDim(l, layer), l.net().dataType() == DataType.DOUBLE,
                FeatureStore.DEFAULT_MEMORY_LIMIT)) {
            run(DatasetPass.of(l.net(), batches(l, List.of(layer))).features((image, row) -> features.append(row, 0)), d);
            json.put("feature_dim", features.dim());
            json.put("features_on_disk", features.onDisk());
            if (m.equals("pca")) {
                Pca pca = Pca.fit(Pca.Rows.of(features), 2);
                xy = pca.transform(Pca.Rows.of(features));
                json.put("explained_variance", pca.explainedVariance());
                json.put("explained_variance_ratio", pca.explainedVarianceRatio());
            } else {
                int dims = Math.min(50, features.dim());
                double[][] input;
                if (features.dim() > dims) {
                    Pca pca = Pca.fit(Pca.Rows.of(features), dims);
                    input = pca.transform(Pca.Rows.of(features));
                } else {
                    input = new double[features.rows()][];
                    for (int i = 0; i < input.length; i++) input[i] = features.row(i);
                }
                double p = perplexity;
                if (3 * p > d.size() - 1) {
                    p = Math.max(1, (d.size() - 1) / 3);
                    err().println("note: perplexity " + perplexity + " needs more than " + (int) Math.ceil(3 * perplexity)
                            + " images; using " + p);
                }
                Tsne.Options o = new Tsne.Options(p, iterations, theta, 5000, 12, Math.min(250, iterations), 0, seed, 50);
                Tsne.Result r;
                try (Progress bar = Progress.start("t-SNE", iterations, " it", 1)) {
                    r = Tsne.run(input, o, (done, total) -> bar.stepTo(done));
                }
                xy = r.y();
                json.put("tsne_input_dims", dims);
                json.put("perplexity", p);
                json.put("iterations", iterations);
                json.put("algorithm", r.exact() ? "exact" : "barnes-hut");
                json.put("theta", r.exact() ? 0 : theta);
                json.put("learning_rate", r.learningRate());
                json.put("early_exaggeration", 12);
                json.put("seed", seed);
                Map<String, Double> kl = new LinkedHashMap<>();
                for (int i = 0; i < r.kl().length; i++) kl.put(Integer.toString(r.klIterations()[i]), r.kl()[i]);
                json.put("kl_divergence", kl);
                out().println(String.format(Locale.ROOT, "t-SNE (%s) of %d images: KL divergence %.4f after %d iterations",
                        r.exact() ? "exact" : "Barnes-Hut", d.size(), r.kl()[r.kl().length - 1], iterations));
            }
        }
        int[] labels = new int[d.size()];
        StringBuilder csv = new StringBuilder("index,label,class,x,y\n");
        for (int i = 0; i < labels.length; i++) {
            labels[i] = d.label(i);
            csv.append(i).append(',').append(labels[i]).append(',').append(csvText(d.classes().get(labels[i]))).append(',')
                    .append(xy[i][0]).append(',').append(xy[i][1]).append('\n');
        }
        int tile = Math.max(d.height(), d.width()) <= 32 ? Math.max(d.height(), d.width()) + 2 : 40;
        String title = (m.equals("pca") ? "PCA" : "t-SNE") + " of " + layer + " features, " + d.size() + " images, " + l.net().architecture();
        var picture = MapPlot.draw(xy, labels, d.classes(), noThumbnails ? null : i -> Render.picture(d.rgbImage(i)), side, tile, title);
        if (m.equals("pca"))
            out().println(String.format(Locale.ROOT, "PCA of %d images: the two components explain %.1f%% of the variance", d.size(),
                    100 * (((double[]) json.get("explained_variance_ratio"))[0] + ((double[]) json.get("explained_variance_ratio"))[1])));
        try (Outputs o = new Outputs(out.out)) {
            o.png("map.png", picture);
            o.text("map.csv", csv.toString());
            o.json("map.json", json);
            report(o.commit());
        }
        out().flush();
        return 0;
    }

    private static int featureDim(Loaded l, String layer) {
        long[] s = io.pixelgrad.zoo.models.LayerGeometry.layer(l.net(), l.inputShape(), layer).outputShape();
        long dim = 1;
        for (int i = 1; i < s.length; i++) dim *= s[i];
        return (int) dim;
    }

    private static String csvText(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
