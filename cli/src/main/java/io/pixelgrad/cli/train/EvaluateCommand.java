package io.pixelgrad.cli.train;

import io.pixelgrad.cli.PixelgradCommand;
import io.pixelgrad.cli.UserException;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.explain.Outputs;
import io.pixelgrad.cli.options.DatasetOption;
import io.pixelgrad.cli.options.DtypeOption;
import io.pixelgrad.cli.options.ModelOption;
import io.pixelgrad.vis.render.Charts;
import io.pixelgrad.zoo.data.Batches;
import io.pixelgrad.zoo.data.Dataset;
import io.pixelgrad.zoo.data.DatasetKind;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.models.BuiltinModels;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.models.ModelCard;
import io.pixelgrad.zoo.train.Evaluation;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code pixelgrad evaluate}: a model's accuracy and confusion matrix on a data set's test split. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Measure a model on a data set's test split: accuracy, per-class accuracy and the confusion matrix "
                + "(rows: true class, columns: predicted).",
            "With --out, also confusion.png and evaluate.json. Without --weights, the built-in model trained on "
                + "that data set (fashion-mnist or mnist) is measured."},
        footer = {"", "Examples:",
            "  pixelgrad evaluate --dataset fashion-mnist --data /usr/share/datasets/fashion-mnist   (the built-in model)",
            "  pixelgrad evaluate --weights runs/fmnist/model.safetensors --dataset fashion-mnist \\",
            "      --data /usr/share/datasets/fashion-mnist --out eval/"})
public final class EvaluateCommand extends PixelgradCommand {

    @Mixin
    ModelOption model;
    @Option(names = {"-w", "--weights"}, paramLabel = "FILE",
            description = "Weights file (default: the built-in model of the data set, if there is one).")
    Path weights;
    @Mixin
    DatasetOption data;
    @Option(names = "--batch", paramLabel = "N", defaultValue = "256", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;
    @Mixin
    DtypeOption dtype;
    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Also write confusion.png and evaluate.json here.")
    Path out;

    @Override
    protected int run() throws Exception {
        if (batch < 1) throw usage("--batch must be at least 1, not " + batch);
        DatasetKind kind = data.kind();
        DataType type = dtype.dataType;
        Path file = weights;
        String label;
        if (file == null) {
            if (!BuiltinModels.NAMES.contains(kind.id()))
                throw new UserException("--weights is required: there is no built-in model for " + kind.id());
            file = BuiltinModels.weights(kind.id());
            label = "built-in " + kind.id() + " model";
        } else {
            label = file.toString();
        }
        ModelCard card = ModelCard.read(file);
        if (weights == null) requireWeightsOfNamedModel(model, card, kind.id());
        Classifier net = ModelLoader.load(model.model, file);
        Dataset test = data.load(false, w -> err().println("warning: " + w));
        if (net.numClasses() != test.classes().size())
            throw new UserException("the model has " + net.numClasses() + " classes, " + kind.id() + " has " + test.classes().size());
        Normalization normalization = card != null ? card.normalization() : kind.normalization();
        if (type != DataType.FLOAT) net.toDataType(type);
        Evaluation ev = Evaluation.of(net, Batches.of(test, normalization).batchSize(batch).dataType(type).build());
        print(ev, label, kind);
        if (out != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("pixelgrad_version", VersionProvider.version());
            json.put("model", net.architecture());
            json.put("weights", label);
            json.put("weights_sha256", Outputs.sha256(file));
            json.put("dataset", kind.id());
            json.put("images", ev.count());
            json.put("accuracy", ev.accuracy());
            json.put("loss", ev.loss());
            json.put("classes", ev.classes());
            json.put("class_accuracy", ev.classAccuracy());
            json.put("confusion", ev.confusion());
            json.put("dtype", dtype.label());
            try (Outputs o = new Outputs(out)) {
                o.png("confusion.png", Charts.confusion(ev.confusion(), ev.classes(), String.format(Locale.ROOT,
                        "%s on %s test: %.2f%% of %d images", net.architecture(), kind.id(), 100 * ev.accuracy(), ev.count())));
                o.json("evaluate.json", json);
                for (Path p : o.commit()) err().println("wrote " + p);
            }
        }
        return 0;
    }

    private void print(Evaluation ev, String label, DatasetKind kind) {
        int k = ev.classes().size();
        int correct = 0;
        for (int i = 0; i < k; i++) correct += ev.confusion()[i][i];
        out().println(String.format(Locale.ROOT, "%s on %s test: accuracy %.2f%% (%d of %d), mean loss %.4f", label, kind.id(),
                100 * ev.accuracy(), correct, ev.count(), ev.loss()));
        String corner = "true \\ predicted";
        int width = corner.length();
        for (String c : ev.classes()) width = Math.max(width, c.length() + 4);
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", corner));
        for (int j = 0; j < k; j++) head.append(String.format(Locale.ROOT, "%6d", j));
        head.append("  accuracy");
        out().println(head);
        double[] acc = ev.classAccuracy();
        for (int i = 0; i < k; i++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%2d %-" + (width - 3) + "s", i, ev.classes().get(i)));
            for (int j = 0; j < k; j++) row.append(String.format(Locale.ROOT, "%6d", ev.confusion()[i][j]));
            row.append(String.format(Locale.ROOT, "  %7.2f%%", 100 * acc[i]));
            out().println(row);
        }
        out().flush();
    }
}
