package io.pixelgrad.zoo.models;

import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.nn.ReLU;
import io.pixelgrad.autograd.nn.Sequential;

import java.util.List;
import java.util.Map;

/**
 * A torchvision-style image classifier: "features" (convolutions, ReLUs, pooling), an optional "avgpool", a flatten,
 * and "classifier" (fully connected layers). Parameter names are torchvision's state_dict keys.
 */
public class Classifier extends Module {

    private final String architecture;
    private final Sequential features;
    private final Module avgpool;
    private final Sequential classifier;

    /** Assembles a classifier from its three parts; avgpool may be null (Caffe AlexNet flattens directly). */
    public Classifier(String architecture, Sequential features, Module avgpool, Sequential classifier) {
        this.architecture = architecture;
        this.features = addChild("features", features);
        this.avgpool = avgpool == null ? null : addChild("avgpool", avgpool);
        this.classifier = addChild("classifier", classifier);
    }

    /** The architecture's name, e.g. "vgg16". */
    public String architecture() {
        return architecture;
    }

    /** The convolutional part. */
    public Sequential features() {
        return features;
    }

    /** The adaptive pooling between features and classifier, or null. */
    public Module avgpool() {
        return avgpool;
    }

    /** The fully connected part. */
    public Sequential classifier() {
        return classifier;
    }

    /** Number of classes (outputs of the last layer). */
    public long numClasses() {
        List<Module> layers = classifier.layers();
        return ((io.pixelgrad.autograd.nn.Linear) layers.get(layers.size() - 1)).weight().value().size(0);
    }

    /** Name of the ReLU after the last convolution: Grad-CAM's default layer (e.g. "features.29" in VGG16). */
    public String lastConvReluName() {
        String last = null;
        boolean afterConv = false;
        for (Map.Entry<String, Module> e : features.modules().entrySet()) {
            if (e.getValue() instanceof Conv2d) afterConv = true;
            if (e.getValue() instanceof ReLU && afterConv) {
                last = e.getKey();
                afterConv = false;
            }
        }
        return last;
    }

    @Override
    protected Tensor compute(Tensor x) {
        checkInput(x);
        Tensor y = features.forward(x);
        if (avgpool != null) y = avgpool.forward(y);
        return classifier.forward(F.flatten(y));
    }

    /**
     * Runs the network only as far as the named module and returns its output: what a feature projection or an
     * activation map needs, without the fully connected layers' work. The tape of x records the output under the name.
     */
    public Tensor forwardTo(Tensor x, String layer) {
        Tape tape = x.tape();
        if (tape == null) throw new IllegalArgumentException("forwardTo needs an input on a tape");
        if (!modules().containsKey(layer)) throw new IllegalArgumentException("no layer '" + layer + "' in " + architecture);
        checkInput(x);
        tape.watch(layer);
        Tensor y;
        if (layer.startsWith("features.")) {
            y = x;
            for (Module m : features.layers()) {
                y = m.forward(y);
                if (tape.hasOutput(layer)) return tape.output(layer);
            }
        } else {
            y = features.forward(x);
            if (tape.hasOutput(layer)) return tape.output(layer);
        }
        if (avgpool != null) y = avgpool.forward(y);
        if (tape.hasOutput(layer)) return tape.output(layer);
        y = F.flatten(y);
        for (Module m : classifier.layers()) {
            y = m.forward(y);
            if (tape.hasOutput(layer)) return tape.output(layer);
        }
        return tape.output(layer);
    }

    private void checkInput(Tensor x) {
        if (x.rank() != 4 || x.size(1) != firstConvInputs())
            throw new IllegalArgumentException(architecture + " expects images [N, " + firstConvInputs() + ", H, W], got "
                    + java.util.Arrays.toString(x.shape()));
    }

    /** Channels the network's input must have (3 for colour networks, 1 for grey ones). */
    public int inputChannels() {
        return (int) firstConvInputs();
    }

    private long firstConvInputs() {
        for (Module m : features.layers()) if (m instanceof Conv2d c) return c.weight().value().size(1) * c.spec().groups();
        return 3;
    }
}
