package io.pixelgrad.cli.options;

import picocli.CommandLine.Option;

/** {@code --model}: the architecture, or "auto" to recognize it from the weights. Shared by every command that loads a model. */
public final class ModelOption {

    /** The model name as given. */
    @Option(names = {"-m", "--model"}, paramLabel = "NAME", defaultValue = "auto",
            description = {"Architecture of the weights: alexnet, caffe_alexnet, vgg11, vgg13, vgg16, vgg19 (each also with "
                    + "_bn), or auto to recognize it from the weights (default: ${DEFAULT-VALUE}). A narrow copy is named "
                    + "with its width divisor, e.g. alexnet/16."})
    public String model;
}
