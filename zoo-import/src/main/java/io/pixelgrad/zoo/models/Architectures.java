package io.pixelgrad.zoo.models;

import io.pixelgrad.autograd.nn.AdaptiveAvgPool2d;
import io.pixelgrad.autograd.nn.BatchNorm2d;
import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Dropout;
import io.pixelgrad.autograd.nn.Linear;
import io.pixelgrad.autograd.nn.LocalResponseNorm;
import io.pixelgrad.autograd.nn.MaxPool2d;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.nn.ReLU;
import io.pixelgrad.autograd.nn.Sequential;
import io.pixelgrad.engine.ConvSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The architectures pixelgrad knows, laid out exactly as torchvision 0.14 builds them so that state_dict keys and
 * shapes match. A width divisor builds narrow copies with the same layer pattern (for tests and demos).
 */
public final class Architectures {

    /** Names accepted by {@link #create(String, int, int)}. */
    public static final List<String> NAMES = List.of("alexnet", "caffe_alexnet", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn",
            "vgg16", "vgg16_bn", "vgg19", "vgg19_bn", "lenet", "smallvgg");

    /** The architectures for small grey images (28x28, one channel: MNIST, Fashion-MNIST), which pixelgrad trains itself. */
    public static final List<String> SMALL = List.of("lenet", "smallvgg");

    private static final int M = -1; // max-pool marker in the VGG configurations

    private Architectures() {
    }

    /** The full-size architecture with 1000 classes. */
    public static Classifier create(String name) {
        return create(name, 1000, 1);
    }

    /** An architecture by name, with the given number of classes and every width divided by widthDivisor. */
    public static Classifier create(String name, int numClasses, int widthDivisor) {
        return create(name, numClasses, widthDivisor, 1, 28);
    }

    /**
     * An architecture by name for the input shape a weights file implies (fileShape gives a state_dict key's shape, or
     * null): the small networks read their input channels from features.0.weight and their input size from the first
     * fully connected layer; the ImageNet ones have one input shape.
     */
    public static Classifier create(String name, int numClasses, int widthDivisor, java.util.function.Function<String, long[]> fileShape) {
        String n = name.toLowerCase(Locale.ROOT);
        if (!SMALL.contains(n)) return create(name, numClasses, widthDivisor);
        long[] first = fileShape.apply("features.0.weight");
        int channels = first != null && first.length == 4 && (first[1] == 1 || first[1] == 3) ? (int) first[1] : 1;
        long[] fc = fileShape.apply(n.equals("lenet") ? "classifier.0.weight" : "classifier.1.weight");
        int lastChannels = (n.equals("lenet") ? 50 : 64) / Math.max(1, widthDivisor);
        int side = 28;
        if (fc != null && fc.length == 2 && lastChannels > 0 && fc[1] % lastChannels == 0) {
            long cells = fc[1] / lastChannels, s = Math.round(Math.sqrt(cells));
            if (s * s == cells && s >= 1 && s <= 64) side = (int) (n.equals("lenet") ? (s * 2 + 4) * 2 + 4 : s * 4);
        }
        return create(name, numClasses, widthDivisor, channels, side);
    }

    /**
     * An architecture by name for inputs of channels x side x side (the small networks; the ImageNet ones take only
     * their own 3-channel input).
     */
    public static Classifier create(String name, int numClasses, int widthDivisor, int channels, int side) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("lenet")) return lenet(numClasses, widthDivisor, channels, side);
        if (n.equals("smallvgg")) return smallVgg(numClasses, widthDivisor, channels, side);
        if (n.equals("alexnet")) return alexnet(numClasses, widthDivisor);
        if (n.equals("caffe_alexnet")) return caffeAlexnet(numClasses, widthDivisor);
        if (n.matches("vgg(11|13|16|19)(_bn)?")) {
            int depth = Integer.parseInt(n.substring(3, 5));
            return vgg(depth, n.endsWith("_bn"), numClasses, widthDivisor);
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", NAMES));
    }

    /** torchvision's AlexNet (one GPU's worth of the original: 64-192-384-256-256, no LRN, adaptive 6x6 pooling). */
    public static Classifier alexnet(int numClasses, int d) {
        Sequential features = new Sequential(
                new Conv2d(3, 64 / d, 11, 4, 2), new ReLU(), new MaxPool2d(3, 2),
                new Conv2d(64 / d, 192 / d, 5, 1, 2), new ReLU(), new MaxPool2d(3, 2),
                new Conv2d(192 / d, 384 / d, 3, 1, 1), new ReLU(),
                new Conv2d(384 / d, 256 / d, 3, 1, 1), new ReLU(),
                new Conv2d(256 / d, 256 / d, 3, 1, 1), new ReLU(), new MaxPool2d(3, 2));
        Sequential classifier = new Sequential(
                new Dropout(0.5), new Linear(256 / d * 36, 4096 / d), new ReLU(),
                new Dropout(0.5), new Linear(4096 / d, 4096 / d), new ReLU(),
                new Linear(4096 / d, numClasses));
        return new Classifier(d == 1 ? "alexnet" : "alexnet/" + d, features, new AdaptiveAvgPool2d(6, 6), classifier);
    }

    /**
     * The original Caffe AlexNet (bvlc_alexnet, as the ONNX model zoo ships it): 96-256-384-384-256 with two groups in
     * conv2, conv4 and conv5, LRN after the first two ReLUs, 227x227 input, no adaptive pooling.
     */
    public static Classifier caffeAlexnet(int numClasses, int d) {
        Sequential features = new Sequential(
                new Conv2d(3, 96 / d, 11, ConvSpec.of(4, 0), true), new ReLU(), lrn(), new MaxPool2d(3, 2),
                new Conv2d(96 / d, 256 / d, 5, ConvSpec.of(1, 2, 1, 2), true), new ReLU(), lrn(), new MaxPool2d(3, 2),
                new Conv2d(256 / d, 384 / d, 3, ConvSpec.of(1, 1), true), new ReLU(),
                new Conv2d(384 / d, 384 / d, 3, ConvSpec.of(1, 1, 1, 2), true), new ReLU(),
                new Conv2d(384 / d, 256 / d, 3, ConvSpec.of(1, 1, 1, 2), true), new ReLU(), new MaxPool2d(3, 2));
        Sequential classifier = new Sequential(
                new Linear(256 / d * 36, 4096 / d), new ReLU(), new Dropout(0.5),
                new Linear(4096 / d, 4096 / d), new ReLU(), new Dropout(0.5),
                new Linear(4096 / d, numClasses));
        return new Classifier(d == 1 ? "caffe_alexnet" : "caffe_alexnet/" + d, features, null, classifier);
    }

    private static Module lrn() {
        return new LocalResponseNorm(5, 1e-4, 0.75, 1.0);
    }

    /**
     * A LeNet-style network for 28x28 grey images, laid out as Caffe's MNIST LeNet with ReLUs: two 5x5 convolutions
     * (20 and 50 channels) each followed by 2x2 max-pooling, then 500 hidden units. 431,080 parameters for 10 classes
     * at 1x28x28; other inputs (3 channels, 32x32 for CIFAR-10) change the first and the first fully connected layer.
     */
    public static Classifier lenet(int numClasses, int d, int channels, int side) {
        checkDivisor("lenet", 20, d);
        int cells = ((side - 4) / 2 - 4) / 2;
        if (cells < 1) throw new IllegalArgumentException("lenet needs inputs of at least 16x16, not " + side + "x" + side);
        Sequential features = new Sequential(
                new Conv2d(channels, 20 / d, 5, 1, 0), new ReLU(), new MaxPool2d(2, 2),
                new Conv2d(20 / d, 50 / d, 5, 1, 0), new ReLU(), new MaxPool2d(2, 2));
        Sequential classifier = new Sequential(
                new Linear(50 / d * cells * cells, 500 / d), new ReLU(), new Dropout(0.5),
                new Linear(500 / d, numClasses));
        return new Classifier(d == 1 ? "lenet" : "lenet/" + d, features, null, classifier);
    }

    /**
     * A small VGG-style network for 28x28 grey images: two blocks of two 3x3 convolutions (32, then 64 channels) with
     * 2x2 max-pooling after each block, then 128 hidden units. 467,818 parameters for 10 classes at 1x28x28.
     */
    public static Classifier smallVgg(int numClasses, int d, int channels, int side) {
        checkDivisor("smallvgg", 32, d);
        int cells = side / 4;
        if (cells < 1) throw new IllegalArgumentException("smallvgg needs inputs of at least 4x4, not " + side + "x" + side);
        Sequential features = new Sequential(
                new Conv2d(channels, 32 / d, 3, 1, 1), new ReLU(), new Conv2d(32 / d, 32 / d, 3, 1, 1), new ReLU(), new MaxPool2d(2, 2),
                new Conv2d(32 / d, 64 / d, 3, 1, 1), new ReLU(), new Conv2d(64 / d, 64 / d, 3, 1, 1), new ReLU(), new MaxPool2d(2, 2));
        Sequential classifier = new Sequential(
                new Dropout(0.25), new Linear(64 / d * cells * cells, 128 / d), new ReLU(), new Dropout(0.5),
                new Linear(128 / d, numClasses));
        return new Classifier(d == 1 ? "smallvgg" : "smallvgg/" + d, features, null, classifier);
    }

    private static void checkDivisor(String name, int narrowest, int d) {
        if (d < 1 || narrowest / d < 1)
            throw new IllegalArgumentException("the width divisor of " + name + " must be 1 to " + narrowest + ", not " + d);
    }

    /** VGG with 11, 13, 16 or 19 weight layers, optionally with batch norm after every convolution. */
    public static Classifier vgg(int depth, boolean batchNorm, int numClasses, int d) {
        int[] cfg = switch (depth) {
            case 11 -> new int[]{64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M};
            case 13 -> new int[]{64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M};
            case 16 -> new int[]{64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M};
            case 19 -> new int[]{64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M};
            default -> throw new IllegalArgumentException("VGG depth must be 11, 13, 16 or 19, not " + depth);
        };
        List<Module> layers = new ArrayList<>();
        int in = 3;
        for (int v : cfg) {
            if (v == M) {
                layers.add(new MaxPool2d(2, 2));
            } else {
                layers.add(new Conv2d(in, v / d, 3, 1, 1));
                if (batchNorm) layers.add(new BatchNorm2d(v / d));
                layers.add(new ReLU());
                in = v / d;
            }
        }
        Sequential classifier = new Sequential(
                new Linear(512 / d * 49, 4096 / d), new ReLU(), new Dropout(0.5),
                new Linear(4096 / d, 4096 / d), new ReLU(), new Dropout(0.5),
                new Linear(4096 / d, numClasses));
        String name = "vgg" + depth + (batchNorm ? "_bn" : "") + (d == 1 ? "" : "/" + d);
        return new Classifier(name, new Sequential(layers.toArray(new Module[0])), new AdaptiveAvgPool2d(7, 7), classifier);
    }
}
