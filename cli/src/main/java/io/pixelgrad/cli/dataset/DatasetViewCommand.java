package io.pixelgrad.cli.dataset;

import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.cli.PixelgradCommand;
import io.pixelgrad.cli.Progress;
import io.pixelgrad.cli.UserException;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.explain.Outputs;
import io.pixelgrad.cli.options.DatasetOption;
import io.pixelgrad.cli.options.DtypeOption;
import io.pixelgrad.cli.options.ModelOption;
import io.pixelgrad.cli.options.WeightsOption;
import io.pixelgrad.vis.ProgressListener;
import io.pixelgrad.vis.dataset.DatasetPass;
import io.pixelgrad.zoo.data.Batches;
import io.pixelgrad.zoo.data.Dataset;
import io.pixelgrad.zoo.data.DatasetException;
import io.pixelgrad.zoo.data.DatasetKind;
import io.pixelgrad.zoo.data.ImageFolder;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.BuiltinModels;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.models.LayerGeometry;
import io.pixelgrad.zoo.models.ModelCard;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the data-set views share: the model (--model, --weights, --builtin, --dtype), the data set (--dataset, --data,
 * --split, --limit, folder --size/--rgb), the batch size, reading the set into what the model takes, one-line errors
 * (exit 2 for command-line mistakes such as an unknown layer or --k beyond the set), and the JSON facts every view
 * writes.
 */
abstract class DatasetViewCommand extends PixelgradCommand {

    /** --model. */
    @Mixin
    protected ModelOption model;
    /** --weights, --builtin. */
    @Mixin
    protected WeightsOption weights;
    /** --dtype. */
    @Mixin
    protected DtypeOption dtype;
    /** --dataset, --data, --limit, --size, --rgb. */
    @Mixin
    protected DatasetOption data;

    /** --split. */
    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "Which split to look at: test (default) or train. A folder without train/ and test/ sub-directories is used whole.")
    protected String split;

    /** --batch. */
    @Option(names = "--batch", paramLabel = "N",
            description = "Images per forward pass (default: as many as fit in about 128 MB of activations, at most 256).")
    protected Integer batch;

    private final List<String> pending = new ArrayList<>();

    /** The model, its description and the data set, ready for a pass. */
    protected record Loaded(Classifier net, ModelCard card, Dataset dataset, Normalization normalization, int skipped) {
        /** [1, C, H, W] of the data set's images. */
        long[] inputShape() {
            return new long[]{1, dataset.channels(), dataset.height(), dataset.width()};
        }
    }

    /** Loads the model and the data set, and checks that the images suit the model. */
    protected Loaded load() throws Exception {
        String s = split.strip().toLowerCase(Locale.ROOT);
        if (!s.equals("test") && !s.equals("train")) throw usage("--split must be test or train, not '" + split + "'");
        if (batch != null && batch < 1) throw usage("--batch must be at least 1, not " + batch);
        DatasetKind kind;
        try {
            kind = DatasetKind.of(data.dataset);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (data.limit < 0) throw usage("--limit must be >= 0, not " + data.limit);
        boolean builtinGiven = spec.commandLine().getParseResult().hasMatchedOption("--builtin");
        if (weights.isBuiltin() && !builtinGiven && BuiltinModels.NAMES.contains(kind.id())) weights.builtin = kind.id();
        Classifier net = loadModel(model, weights, dtype.dataType);
        ModelCard card = weights.card();
        List<String> warnings = new ArrayList<>();
        Dataset d;
        int skipped = 0;
        if (kind == DatasetKind.FOLDER) {
            boolean sizeGiven = spec.commandLine().getParseResult().hasMatchedOption("--size");
            int side = sizeGiven ? data.size : card != null ? card.side() : Architectures.SMALL.contains(base(net)) ? 28
                    : net.architecture().startsWith("caffe_") ? 227 : 224;
            if (side < 4 || side > 512) throw usage("--size must be 4 to 512, not " + side);
            int channels = data.rgb ? 3 : net.inputChannels();
            Path dir = folder(data.data, s);
            ImageFolder.Result r = ImageFolder.read(dir, "folder " + dir.getFileName(), channels, side, warnings::add);
            d = r.dataset();
            skipped = r.skipped();
        } else {
            d = kind.load(data.data, s.equals("train"), 1, 28, warnings::add);
        }
        if (data.limit > 0) d = d.first(data.limit);
        // told when the pass starts, so that a mistake found before it is still the only line printed
        for (int i = 0; i < warnings.size() && i < 3; i++) pending.add("warning: " + warnings.get(i));
        if (skipped > 0) pending.add("warning: " + skipped + " unreadable image(s) skipped");
        if (d.channels() != net.inputChannels())
            throw new UserException(d.name() + " images have " + d.channels() + " channel(s); " + net.architecture() + " takes "
                    + net.inputChannels());
        try {
            LayerGeometry.of(net, new long[]{1, d.channels(), d.height(), d.width()});
        } catch (IllegalArgumentException e) {
            throw new UserException(d.name() + " images are " + d.width() + "x" + d.height() + ": " + e.getMessage(), e);
        }
        Normalization normalization = card != null ? card.normalization() : kind != DatasetKind.FOLDER ? kind.normalization()
                : Architectures.SMALL.contains(base(net)) ? Normalization.HALF
                : net.architecture().startsWith("caffe_") ? Normalization.CAFFE : Normalization.TORCHVISION;
        return new Loaded(net, card, d, normalization, skipped);
    }

    private static String base(Classifier net) {
        return net.architecture().split("/")[0];
    }

    /** A folder data set: DIR/SPLIT when DIR has split sub-directories (as train reads it), else DIR itself. */
    private static Path folder(Path dir, String split) throws DatasetException {
        if (!Files.isDirectory(dir)) throw new DatasetException("image folder " + dir + ": no such directory");
        if (Files.isDirectory(dir.resolve(split))) return dir.resolve(split);
        if (split.equals("test") && Files.isDirectory(dir.resolve("val"))) return dir.resolve("val");
        if (Files.isDirectory(dir.resolve("train")) || Files.isDirectory(dir.resolve("test")))
            throw new DatasetException("image folder " + dir + ": no " + split + " sub-directory");
        return dir;
    }

    /** The batches of a pass over the data set, in order. */
    protected Batches batches(Loaded l, List<String> layers) {
        int b = batch != null ? batch : autoBatch(l, layers);
        return Batches.of(l.dataset(), l.normalization()).batchSize(b).dataType(dtype.dataType).build();
    }

    /** About 128 MB of activations per batch: the layers kept until the batch ends plus the largest passing through. */
    private static int autoBatch(Loaded l, List<String> layers) {
        long kept = 0, largest = 1;
        for (LayerGeometry.Layer layer : LayerGeometry.of(l.net(), l.inputShape())) {
            long size = 1;
            for (int i = 1; i < layer.outputShape().length; i++) size *= layer.outputShape()[i];
            largest = Math.max(largest, size);
            if (layers.contains(layer.name())) kept += size;
        }
        long perImage = (kept + 2 * largest) * (l.net().dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE ? 8 : 4);
        return (int) Math.max(1, Math.min(256, (128L << 20) / perImage));
    }

    /** Runs a pass with a progress bar, after telling the warnings of reading the data set. */
    protected DatasetPass.Result run(DatasetPass.Builder pass, Dataset d) {
        for (String w : pending) err().println(w);
        err().flush();
        pending.clear();
        try (Progress bar = Progress.start("Pass over " + d.size() + " images", d.size(), " img", 1)) {
            ProgressListener p = (done, total) -> bar.stepTo(done);
            return pass.progress(p).build().run();
        }
    }

    /**
     * Layer names from a comma-separated list, each a module of the model with a usable output; an unknown name is a
     * command-line mistake listing the layers. Without a list, the layers the filter picks.
     */
    protected List<String> layers(Classifier net, long[] inputShape, List<String> given, java.util.function.Predicate<Module> defaults) {
        List<LayerGeometry.Layer> all = LayerGeometry.of(net, inputShape);
        List<String> names = new ArrayList<>();
        for (LayerGeometry.Layer l : all) names.add(l.name());
        List<String> out = new ArrayList<>();
        if (given == null || given.isEmpty()) {
            for (LayerGeometry.Layer l : all) if (defaults.test(net.modules().get(l.name()))) out.add(l.name());
            return out;
        }
        for (String g : given) {
            String name = g.strip();
            if (name.isEmpty()) continue;
            if (!names.contains(name))
                throw usage("no layer '" + name + "' in " + net.architecture() + "; layers: " + String.join(", ", names));
            if (!out.contains(name)) out.add(name);
        }
        if (out.isEmpty()) throw usage("--layer names no layer");
        return out;
    }

    /** Whether a module is a convolution. */
    protected static boolean isConv(Module m) {
        return m instanceof Conv2d;
    }

    /** The facts every view's JSON starts with: version, model, weights, data set. */
    protected Map<String, Object> facts(String view, Loaded l) throws java.io.IOException {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("view", view);
        d.put("pixelgrad_version", VersionProvider.version());
        d.put("model", l.net().architecture());
        d.put("weights", weights.label());
        d.put("weights_sha256", Outputs.sha256(weights.file()));
        d.put("dtype", dtype.label());
        d.put("dataset", data.kind().id());
        d.put("data", data.data.toString());
        d.put("split", split.strip().toLowerCase(Locale.ROOT));
        d.put("images", l.dataset().size());
        d.put("skipped_unreadable", l.skipped());
        d.put("normalization", l.normalization().id());
        d.put("classes", l.dataset().classes());
        return d;
    }

    /** Tells which files were written. */
    protected void report(List<Path> written) {
        for (Path p : written) err().println("wrote " + p);
        err().flush();
    }
}
