package io.pixelgrad.cli.train;

import io.pixelgrad.cli.AtomicFiles;
import io.pixelgrad.cli.PixelgradCommand;
import io.pixelgrad.cli.Progress;
import io.pixelgrad.cli.UserException;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.explain.Outputs;
import io.pixelgrad.cli.options.DatasetOption;
import io.pixelgrad.cli.options.DtypeOption;
import io.pixelgrad.engine.Arrays;
import io.pixelgrad.engine.Kernels;
import io.pixelgrad.vis.Evolution;
import io.pixelgrad.vis.render.Charts;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.zoo.data.Augmentation;
import io.pixelgrad.zoo.data.Batch;
import io.pixelgrad.zoo.data.Batches;
import io.pixelgrad.zoo.data.Dataset;
import io.pixelgrad.zoo.data.DatasetKind;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.models.ModelCard;
import io.pixelgrad.zoo.train.Checkpoint;
import io.pixelgrad.zoo.train.EpochStats;
import io.pixelgrad.zoo.train.Evaluation;
import io.pixelgrad.zoo.train.Snapshot;
import io.pixelgrad.zoo.train.Trainer;
import io.pixelgrad.zoo.train.TrainingOptions;
import io.pixelgrad.zoo.weights.SafetensorsFiles;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code pixelgrad train}: trains a small network on a labelled data set, checkpointing after every epoch, and writes
 * the model with its description, the history, the learning curves, the features' evolution and the test confusion
 * matrix.
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Train a small network (lenet or smallvgg) on MNIST, Fashion-MNIST, CIFAR-10 or an image folder: "
                + "cross-entropy, Adam or SGD with momentum, a learning-rate schedule, random crops and flips.",
            "Every random choice comes from --seed: a rerun, or a run resumed with --resume, gives the same "
                + "weights bit for bit. Writes into --out: model.safetensors (the weights with their class names and "
                + "preprocessing, for every other command), train.json (loss and accuracy per epoch), curves.png, "
                + "evolution.png (the first layer's filters and one test image's maps, after every epoch), "
                + "confusion.png and samples/ (a test image per class); checkpoint.safetensors is rewritten after each "
                + "epoch."},
        footer = {"", "Example:",
            "  pixelgrad train --dataset fashion-mnist --data /usr/share/datasets/fashion-mnist \\",
            "      --epochs 15 --out runs/fmnist"})
public final class TrainCommand extends PixelgradCommand {

    /** The checkpoint file inside --out. */
    public static final String CHECKPOINT = "checkpoint.safetensors";

    @Option(names = "--arch", paramLabel = "NAME", defaultValue = "smallvgg",
            description = "Architecture: lenet or smallvgg (default: ${DEFAULT-VALUE}).")
    String arch;
    @Mixin
    DatasetOption data;
    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam", description = "adam or sgd (with momentum; default: ${DEFAULT-VALUE}).")
    String optimizer;
    @Option(names = "--lr", paramLabel = "RATE", description = "Base learning rate (default: 0.001 for adam, 0.05 for sgd).")
    Double lr;
    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;
    @Option(names = "--weight-decay", paramLabel = "L2", defaultValue = "0", description = "L2 penalty on the weights (default: ${DEFAULT-VALUE}).")
    double weightDecay;
    @Option(names = "--schedule", paramLabel = "NAME", defaultValue = "cosine",
            description = "Learning rate per epoch: cosine (down to 0 at the last epoch), step (x0.1 every third of the run) or constant (default: ${DEFAULT-VALUE}).")
    String schedule;
    @Option(names = "--no-augment", description = "No random crops and flips.")
    boolean noAugment;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of initialization, order, augmentation and dropout (default: ${DEFAULT-VALUE}).")
    long seed;
    @Mixin
    DtypeOption dtype;
    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true, description = "Directory for the results and the checkpoint.")
    Path out;
    @Option(names = "--resume", description = "Continue the run whose checkpoint is in --out (same options; a larger --epochs extends it, with"
                    + " the schedule stretched to the new length).")
    boolean resume;

    @Override
    protected int run() throws Exception {
        if (!Architectures.SMALL.contains(arch))
            throw usage("--arch: unknown architecture '" + arch + "'; train knows: " + String.join(", ", Architectures.SMALL));
        if (epochs < 1) throw usage("--epochs must be at least 1, not " + epochs);
        DatasetKind kind = data.kind();
        Path checkpoint = out.resolve(CHECKPOINT);
        if (!resume && Files.exists(checkpoint))
            throw new UserException("--out " + out + " already holds a training checkpoint: add --resume to continue that run, or choose another directory");
        if (resume && !Files.isRegularFile(checkpoint)) throw new UserException("--resume: there is no " + CHECKPOINT + " in " + out);
        TrainingOptions options;
        try {
            options = new TrainingOptions(arch, epochs, batch, optimizer, lr != null ? lr : optimizer.equals("sgd") ? 0.05 : 1e-3,
                    optimizer.equals("sgd") ? momentum : 0, weightDecay, schedule, noAugment ? Augmentation.NONE : kind.augmentation(),
                    seed, dtype.dataType);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        Dataset train = data.load(true, w -> err().println("warning: " + w));
        Dataset test = data.load(false, w -> err().println("warning: " + w));
        if (!train.classes().equals(test.classes()))
            throw new UserException("the training classes " + train.classes() + " differ from the test classes " + test.classes());
        if (train.height() != train.width()) throw new UserException("the images are " + train.width() + "x" + train.height() + "; square images are needed");
        Classifier model = Architectures.create(arch, train.classes().size(), 1, train.channels(), train.height());
        Trainer.initialize(model, seed);
        long started = System.nanoTime();
        try (Trainer t = new Trainer(model, train, test, kind.normalization(), options)) {
            List<EpochStats> history = new ArrayList<>();
            List<Snapshot> snapshots = new ArrayList<>();
            INDArray fixed;
            try (Batch b = Batches.of(test.first(1), kind.normalization()).dataType(options.dataType()).build().batch(0)) {
                fixed = b.images().dup();
            }
            int done = 0;
            if (resume) {
                Checkpoint c = Checkpoint.read(checkpoint);
                try {
                    c.restore(t);
                } catch (IllegalArgumentException e) {
                    throw new UserException("--resume: " + e.getMessage());
                }
                if (c.epochsDone() > epochs)
                    throw new UserException("--resume: the checkpoint has " + c.epochsDone() + " epochs done; --epochs must be at least that");
                done = c.epochsDone();
                history.addAll(c.history());
                snapshots.addAll(c.snapshots());
            } else {
                snapshots.add(Snapshot.of(model, fixed));
            }
            int steps = (train.size() + batch - 1) / batch;
            try (Progress bar = Progress.start("Training " + arch, (long) (epochs - done) * steps, " steps", 1)) {
                for (int e = done; e < epochs; e++) {
                    final int epoch = e;
                    final long offset = (long) (e - done) * steps;
                    EpochStats s;
                    try {
                        s = t.epoch(e, (step, total, loss, acc) -> {
                            bar.stepTo(offset + step);
                            bar.message(String.format(Locale.ROOT, "epoch %d/%d loss %.4f acc %.2f%%", epoch + 1, epochs, loss, 100 * acc));
                        });
                    } catch (ArithmeticException diverged) {
                        throw new UserException("training diverged in epoch " + (e + 1) + ": " + diverged.getMessage()
                                + "; the last good epoch's checkpoint is kept", diverged);
                    }
                    history.add(s);
                    snapshots.add(Snapshot.of(model, fixed));
                    Checkpoint c = Checkpoint.of(t, e + 1, history, snapshots);
                    AtomicFiles.write(checkpoint, c::write);
                    for (INDArray a : c.optimizer().values()) Arrays.release(a);
                    out().println(String.format(Locale.ROOT, "epoch %d/%d  lr %.6f  train loss %.4f acc %.2f%%  test loss %.4f acc %.2f%%  %.1f s",
                            e + 1, epochs, s.lr(), s.trainLoss(), 100 * s.trainAccuracy(), s.testLoss(), 100 * s.testAccuracy(), s.seconds()));
                    out().flush();
                }
            }
            Evaluation ev = t.evaluate(test);
            writeResults(t, kind, train, test, history, snapshots, ev, (System.nanoTime() - started) / 1e9);
            out().println(String.format(Locale.ROOT, "test accuracy %.2f%% (%d images)", 100 * ev.accuracy(), ev.count()));
            out().flush();
        }
        return 0;
    }

    private void writeResults(Trainer t, DatasetKind kind, Dataset train, Dataset test, List<EpochStats> history,
                              List<Snapshot> snapshots, Evaluation ev, double seconds) throws Exception {
        TrainingOptions o = t.options();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("dataset", kind.id());
        facts.put("test_accuracy", String.format(Locale.ROOT, "%.4f", ev.accuracy()));
        facts.put("epochs", Integer.toString(history.size()));
        facts.put("seed", Long.toString(o.seed()));
        facts.put("trained_by", "pixelgrad " + VersionProvider.version());
        ModelCard card = new ModelCard(o.architecture(), train.classes(), kind.normalization(), train.channels(), train.height(), facts);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pixelgrad_version", VersionProvider.version());
        json.put("options", o.toMap());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", kind.id());
        d.put("directory", data.data.toString());
        d.put("train_images", train.size());
        d.put("test_images", test.size());
        d.put("input", train.channels() + "x" + train.height() + "x" + train.width());
        d.put("normalization", kind.normalization().id());
        d.put("classes", train.classes());
        json.put("dataset", d);
        List<Map<String, Object>> h = new ArrayList<>();
        for (EpochStats s : history) h.add(s.toMap());
        json.put("history", h);
        json.put("test_accuracy", ev.accuracy());
        json.put("test_loss", ev.loss());
        json.put("confusion", ev.confusion());
        json.put("seconds_this_invocation", seconds);
        json.put("threads", System.getenv("OMP_NUM_THREADS"));
        json.put("kernels", Kernels.get().name());
        try (Outputs outputs = new Outputs(out)) {
            outputs.write("model.safetensors", os -> SafetensorsFiles.write(os, t.modelState(), card.toMetadata()));
            outputs.json("train.json", json);
            outputs.png("curves.png", curves(history));
            List<String> labels = new ArrayList<>();
            int first = history.size() - snapshots.size() + 1;
            for (int i = 0; i < snapshots.size(); i++) labels.add(first + i == 0 ? "start" : "epoch " + (first + i));
            BufferedImage picture = Render.picture(test.rgbImage(0));
            outputs.png("evolution.png", Evolution.filmstrip(snapshots, labels, picture));
            outputs.png("confusion.png", Charts.confusion(ev.confusion(), ev.classes(),
                    String.format(Locale.ROOT, "%s on %s test: %.2f%% of %d images", o.architecture(), kind.id(), 100 * ev.accuracy(), ev.count())));
            StringBuilder list = new StringBuilder("# One test image per class (the first of each in the test set), in test-set order.\n");
            java.util.Set<String> used = new java.util.HashSet<>();
            for (int i : firstOfEachClass(test)) {
                String name = sampleName(test.classes().get(test.label(i)));
                if (!used.add(name)) name = name + "-" + test.label(i);
                outputs.png("samples/" + name + ".png", Render.picture(test.rgbImage(i)));
                list.append(name).append('\n');
            }
            outputs.text("samples/samples.txt", list.toString());
            for (Path p : outputs.commit()) err().println("wrote " + p);
        }
    }

    /** The index of each class's first test image, in test-set order. */
    static List<Integer> firstOfEachClass(Dataset test) {
        List<Integer> firsts = new ArrayList<>();
        boolean[] seen = new boolean[test.classes().size()];
        for (int i = 0; i < test.size(); i++) {
            if (!seen[test.label(i)]) {
                seen[test.label(i)] = true;
                firsts.add(i);
            }
        }
        return firsts;
    }

    /** A file name for a class's sample: lower case, runs of other characters as '-' ("T-shirt/top" to "t-shirt-top", "7" to "digit-7"). */
    static String sampleName(String className) {
        String slug = className.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        if (slug.isEmpty()) slug = "class";
        return slug.matches("[0-9]+") ? "digit-" + slug : slug;
    }

    /** Loss and accuracy per epoch, training (dashed) and test (solid), side by side. */
    static BufferedImage curves(List<EpochStats> history) {
        int n = history.size();
        double[] x = new double[n], trainLoss = new double[n], testLoss = new double[n], trainAcc = new double[n], testAcc = new double[n];
        for (int i = 0; i < n; i++) {
            EpochStats s = history.get(i);
            x[i] = s.epoch() + 1;
            trainLoss[i] = s.trainLoss();
            testLoss[i] = s.testLoss();
            trainAcc[i] = 100 * s.trainAccuracy();
            testAcc[i] = 100 * s.testAccuracy();
        }
        BufferedImage loss = Charts.lines("cross-entropy loss", "epoch", List.of(
                new Charts.Series("train", x, trainLoss, 0x1f77b4, true), new Charts.Series("test", x, testLoss, 0xd62728, false)),
                460, 320, 0, 0);
        BufferedImage acc = Charts.lines("accuracy (%)", "epoch", List.of(
                new Charts.Series("train", x, trainAcc, 0x1f77b4, true), new Charts.Series("test", x, testAcc, 0xd62728, false)),
                460, 320, 0, 0);
        return Render.row(8, loss, acc);
    }
}
