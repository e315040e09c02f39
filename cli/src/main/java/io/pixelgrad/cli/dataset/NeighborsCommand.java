package io.pixelgrad.cli.dataset;

import io.pixelgrad.cli.UserException;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.explain.Outputs;
import io.pixelgrad.cli.options.OutOption;
import io.pixelgrad.engine.Arrays;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.vis.dataset.DatasetPass;
import io.pixelgrad.vis.dataset.NeighborSheet;
import io.pixelgrad.vis.dataset.Neighbors;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.zoo.data.Batch;
import io.pixelgrad.zoo.data.Batches;
import io.pixelgrad.zoo.data.Dataset;
import io.pixelgrad.zoo.images.ImageInput;
import io.pixelgrad.zoo.images.Images;
import io.pixelgrad.zoo.images.Preprocessing;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code pixelgrad neighbors}: the images of a data set nearest to a query, in the network's features and in pixels. */
@Command(name = "neighbors", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Find the k images of a data set nearest to a query image: by the penultimate layer's features "
                + "(Euclidean and cosine distance) beside the nearest in pixel space (Euclidean distance of the network "
                + "inputs).",
            "Writes neighbors.png (one row per measure) and neighbors.json."},
        footer = {"", "Example:",
            "  pixelgrad neighbors --dataset fashion-mnist --data /usr/share/datasets/fashion-mnist --index 0 --k 8 --out nn/"})
public final class NeighborsCommand extends DatasetViewCommand {

    @Option(names = {"-q", "--query"}, paramLabel = "FILE",
            description = "The query image (PNG, JPEG, BMP, prepared like the data set's images; or a normalized .npy).")
    Path query;

    @Option(names = "--index", paramLabel = "N", description = "Use image N of the data set as the query instead of --query.")
    Integer index;

    @Option(names = {"-k", "--k"}, paramLabel = "K", defaultValue = "8", description = "Neighbours per measure (default: ${DEFAULT-VALUE}).")
    int k;

    @Mixin
    OutOption out;

    @Override
    protected int run() throws Exception {
        if (!out.given()) throw usage("--out DIR is required: where neighbors writes neighbors.png and neighbors.json");
        if ((query == null) == (index == null)) throw usage("give the query as --query FILE or --index N (one of them)");
        if (k < 1) throw usage("--k must be at least 1, not " + k);
        Loaded l = load();
        Dataset d = l.dataset();
        if (k > d.size()) throw usage("--k " + k + " is more than the " + d.size() + " images of the data set");
        if (index != null && (index < 0 || index >= d.size()))
            throw usage("--index " + index + " out of range: the data set has images 0.." + (d.size() - 1));

        Batches batches = batches(l, List.of(DatasetPass.penultimate(l.net())));
        INDArray x;
        BufferedImage picture;
        String caption;
        double[] queryFeatures;
        if (index != null) {
            try (Batch one = Batches.of(d, l.normalization()).batchSize(1).dataType(dtype.dataType).build().batch(index)) {
                x = one.images().dup();
            }
            // in the batch the pass will run it in, so that the image itself is at distance 0 exactly
            int size;
            try (Batch first = batches.batch(0)) {
                size = first.size();
            }
            try (Batch own = batches.batch(index / size)) {
                queryFeatures = Neighbors.features(l.net(), own.images(), index % size);
            }
            picture = Render.picture(d.rgbImage(index));
            caption = "#" + index + " " + d.classes().get(d.label(index));
        } else {
            Preprocessing pre = new Preprocessing(d.height(), d.height(), l.normalization(), d.channels() == 1);
            INDArray loaded = ImageInput.load(query, pre);
            if (loaded.rank() == 3) loaded = loaded.reshape(1, loaded.size(0), loaded.size(1), loaded.size(2));
            if (loaded.rank() != 4 || loaded.size(0) != 1 || loaded.size(1) != d.channels() || loaded.size(2) != d.height()
                    || loaded.size(3) != d.width())
                throw new UserException("query " + query + " is " + java.util.Arrays.toString(loaded.shape()) + "; the data set's images are [1, "
                        + d.channels() + ", " + d.height() + ", " + d.width() + "]");
            x = loaded.castTo(l.net().dataType());
            picture = ImageInput.isNpy(query) ? Render.input(Passes.floats(x), d.height(), d.width())
                    : Render.picture(pre.centerCrop(pre.resizeShorterSide(Images.read(query))));
            caption = String.valueOf(query.getFileName());
            queryFeatures = Neighbors.features(l.net(), x);
        }
        Neighbors search = new Neighbors(queryFeatures, Passes.values(x), k);
        Arrays.release(x);
        run(DatasetPass.of(l.net(), batches)
                .features(search.featureSink()).inputs(search.inputSink()), d);

        int tile = Math.max(d.height(), d.width()) <= 32 ? 2 * Math.max(d.height(), d.width()) : 96;
        BufferedImage sheet = NeighborSheet.draw(picture, caption, search, i -> Render.picture(d.rgbImage(i)),
                i -> d.classes().get(d.label(i)), tile);
        Map<String, Object> json = facts("neighbors", l);
        json.put("query", index != null ? "index:" + index : query.toString());
        json.put("k", k);
        json.put("feature_layer", DatasetPass.penultimate(l.net()));
        json.put("feature_dim", queryFeatures.length);
        Map<String, Object> lists = new LinkedHashMap<>();
        for (Neighbors.Measure m : Neighbors.Measure.values()) {
            List<Object> rows = new ArrayList<>();
            for (Neighbors.Neighbor nb : search.nearest(m)) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("image", nb.image());
                e.put("label", d.label(nb.image()));
                e.put("class", d.classes().get(d.label(nb.image())));
                e.put("distance", nb.distance());
                rows.add(e);
            }
            lists.put(m.name().toLowerCase(java.util.Locale.ROOT), rows);
            StringBuilder line = new StringBuilder(m.label() + ":");
            for (Neighbors.Neighbor nb : search.nearest(m)) line.append(' ').append(nb.image());
            out().println(line);
        }
        json.put("neighbors", lists);
        try (Outputs o = new Outputs(out.out)) {
            o.png("neighbors.png", sheet);
            o.json("neighbors.json", json);
            report(o.commit());
        }
        out().flush();
        return 0;
    }
}
