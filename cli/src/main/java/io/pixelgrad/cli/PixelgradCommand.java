package io.pixelgrad.cli;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.cli.options.ModelOption;
import io.pixelgrad.cli.options.WeightsOption;
import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.models.ModelCard;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * What every pixelgrad subcommand shares: its output streams, model loading with a progress bar, and forward passes.
 * A new command extends this, mixes in the options it needs ({@code @Mixin ModelOption model;} ...), implements
 * {@link #run()} and is listed in {@link Pixelgrad}'s subcommands. Errors are thrown, never printed: {@link Pixelgrad}
 * turns them into one-line messages and exit codes.
 */
public abstract class PixelgradCommand implements Callable<Integer> {

    /** Filled in by picocli: this command's model (its name, streams, parse result). */
    @Spec
    protected CommandSpec spec;

    /** Does the command's work; returns the exit code (0 on success). */
    protected abstract int run() throws Exception;

    @Override
    public final Integer call() throws Exception {
        return run();
    }

    /** Where results go (standard output, or the writer a test installed). */
    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Where notes and warnings go. */
    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Loads the model named by --model with the --weights file (or the built-in model) in float32, with a progress bar. */
    protected Classifier loadModel(ModelOption model, WeightsOption weights) throws Exception {
        return loadModel(model, weights, org.nd4j.linalg.api.buffer.DataType.FLOAT);
    }

    /** Loads the model of --model and --weights (or the built-in model), computing in the --dtype type, with a progress bar. */
    protected Classifier loadModel(ModelOption model, WeightsOption weights, org.nd4j.linalg.api.buffer.DataType dataType)
            throws Exception {
        if (weights.isBuiltin()) requireWeightsOfNamedModel(model, weights.card(), weights.builtin);
        try (Progress bar = Progress.start("Loading " + weights.shortName(), 1000, "", 1)) {
            return ModelLoader.load(model.model, weights.file(), dataType,
                    (done, total) -> bar.stepTo(total == 0 ? 1000 : done * 1000 / total));
        }
    }

    /**
     * Refuses --model NAME when no --weights were given and the built-in model used instead (its card, its name) is
     * another architecture: loading its weights into NAME could only fail on a missing key, naming a temporary file the
     * user never gave.
     */
    protected void requireWeightsOfNamedModel(ModelOption model, ModelCard builtinCard, String builtinName) {
        String named = model.model.strip();
        String builtin = builtinCard == null ? null : builtinCard.architecture();
        if (ModelLoader.AUTO.equalsIgnoreCase(named) || named.equalsIgnoreCase(builtin)) return;
        throw usage("--model " + named + " needs its weights: give --weights FILE (without --weights the built-in "
                + builtinName + " model" + (builtin == null ? "" : ", a " + builtin + ",") + " is used)");
    }

    /** A command-line mistake: one line, exit 2. */
    protected CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** The model's logits for a batch [N, C, H, W], after checking that the input size suits the model. */
    protected static INDArray logits(Classifier model, INDArray input) {
        LayerTable.forInput(model, input.shape());
        try (Tape tape = new Tape()) {
            return model.forward(tape.constant(input)).value().dup();
        }
    }
}
