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
            "vgg16", "vgg16_bn", "vgg19", "vgg19_bn");

    private static final int M = -1; // max-pool marker in the VGG configurations

    private Architectures() {
    }

    /** The full-size architecture with 1000 classes. */
    public static Classifier create(String name) {
        return create(name, 1000, 1);
    }

    /** An architecture by name, with the given number of classes and every width divided by widthDivisor. */
    public static Classifier create(String name, int numClasses, int widthDivisor) {
        String n = name.toLowerCase(Locale.ROOT);
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
