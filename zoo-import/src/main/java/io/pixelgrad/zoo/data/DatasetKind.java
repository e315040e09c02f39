package io.pixelgrad.zoo.data;

import io.pixelgrad.zoo.images.Normalization;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The data sets pixelgrad reads, with how each is normalized and augmented for training and where its files are
 * expected in the directory given.
 */
public enum DatasetKind {
    /** Handwritten digits, 28x28 grey: IDX files (train-images-idx3-ubyte[.gz], ...). Crops, no flips (a mirrored 2 is no 2). */
    MNIST("mnist", Normalization.MNIST, new Augmentation(2, false),
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")),
    /** Zalando's clothes, 28x28 grey: IDX files like MNIST's. Crops and flips. */
    FASHION_MNIST("fashion-mnist", Normalization.FASHION_MNIST, new Augmentation(2, true),
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")),
    /** Ten classes of 32x32 colour photographs: the binary batches. Crops (4 pixels) and flips. */
    CIFAR10("cifar10", Normalization.CIFAR10, new Augmentation(4, true), Cifar10.CLASSES),
    /** One sub-directory of images per class under DIR/train and DIR/test (or DIR/val). Crops and flips. */
    FOLDER("folder", Normalization.HALF, new Augmentation(2, true), List.of());

    private final String id;
    private final Normalization normalization;
    private final Augmentation augmentation;
    private final List<String> classes;

    DatasetKind(String id, Normalization normalization, Augmentation augmentation, List<String> classes) {
        this.id = id;
        this.normalization = normalization;
        this.augmentation = augmentation;
        this.classes = classes;
    }

    /** The kind by its name as users type it ("fashion-mnist"), or an error listing the kinds. */
    public static DatasetKind of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (DatasetKind k : values()) if (k.id.equals(n)) return k;
        throw new IllegalArgumentException("unknown data set '" + name + "'; known: mnist, fashion-mnist, cifar10, folder");
    }

    /** The name users type. */
    public String id() {
        return id;
    }

    /** How 8-bit samples become network input for this data set. */
    public Normalization normalization() {
        return normalization;
    }

    /** The training augmentation that suits this data set. */
    public Augmentation augmentation() {
        return augmentation;
    }

    /** The class names in label order (empty for folders, whose classes are their sub-directories). */
    public List<String> classes() {
        return classes;
    }

    /**
     * Reads the training or the test split from dir. Folders are read at folderChannels x folderSide x folderSide and
     * report unreadable images to warnings; the others have their own size.
     *
     * @throws DatasetException if the split's files are missing or damaged
     */
    public Dataset load(Path dir, boolean train, int folderChannels, int folderSide, Consumer<String> warnings)
            throws DatasetException {
        if (!Files.isDirectory(dir)) throw new DatasetException(id + " data " + dir + ": no such directory");
        String split = train ? "train" : "test";
        switch (this) {
            case MNIST, FASHION_MNIST -> {
                String prefix = train ? "train" : "t10k";
                Path images = Idx.find(dir, prefix + "-images-idx3-ubyte");
                Path labels = Idx.find(dir, prefix + "-labels-idx1-ubyte");
                if (images == null || labels == null)
                    throw new DatasetException(id + " data " + dir + ": no " + (images == null ? prefix + "-images-idx3-ubyte"
                            : prefix + "-labels-idx1-ubyte") + "[.gz] (the " + split + " split's IDX files)");
                return Idx.read(id + " " + split, images, labels, classes);
            }
            case CIFAR10 -> {
                return Cifar10.read(dir, train);
            }
            default -> {
                Path sub = dir.resolve(split);
                if (!train && !Files.isDirectory(sub) && Files.isDirectory(dir.resolve("val"))) sub = dir.resolve("val");
                if (!Files.isDirectory(sub))
                    throw new DatasetException("image folder " + dir + ": no " + split + (train ? "" : " (or val)")
                            + " sub-directory (expected DIR/train/CLASS/*.png and DIR/test/CLASS/*.png)");
                ImageFolder.Result r = ImageFolder.read(sub, "folder " + split, folderChannels, folderSide, warnings);
                if (r.skipped() > 0) warnings.accept(r.skipped() + " unreadable image(s) skipped in " + sub);
                return r.dataset();
            }
        }
    }
}
