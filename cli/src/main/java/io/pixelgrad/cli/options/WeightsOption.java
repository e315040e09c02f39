package io.pixelgrad.cli.options;

import io.pixelgrad.zoo.models.BuiltinModels;
import io.pixelgrad.zoo.models.ModelCard;
import io.pixelgrad.zoo.weights.WeightsFormatException;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --weights}: a weights file in any format pixelgrad reads; without it, the built-in Fashion-MNIST model. */
public final class WeightsOption {

    /** The weights file, or null for the built-in model. */
    @Option(names = {"-w", "--weights"}, paramLabel = "FILE",
            description = "Weights file: PyTorch's .pth as torch.save writes it (zip or legacy), .safetensors or .onnx."
                    + " Default: the built-in model (smallvgg trained on Fashion-MNIST; see --builtin).")
    public Path weights;

    /** Which built-in model to use when no file is given. */
    @Option(names = "--builtin", paramLabel = "NAME", defaultValue = BuiltinModels.DEFAULT,
            description = "The built-in model used without --weights: fashion-mnist or mnist (default: ${DEFAULT-VALUE}).")
    public String builtin;

    private ModelCard card;
    private boolean cardRead;

    /** Whether the built-in model is used. */
    public boolean isBuiltin() {
        return weights == null;
    }

    /** The weights file to read (the built-in model's extracted copy when no file was given). */
    public Path file() {
        if (weights != null) return weights;
        try {
            return BuiltinModels.weights(BuiltinModels.check(builtin));
        } catch (IllegalArgumentException e) {
            throw new io.pixelgrad.cli.UserException("--builtin: " + e.getMessage());
        }
    }

    /** How the weights are named in messages and JSON: the path as given, or "builtin:NAME". */
    public String label() {
        return weights != null ? weights.toString() : "builtin:" + builtin;
    }

    /** A short name for progress bars. */
    public String shortName() {
        return weights != null ? String.valueOf(weights.getFileName()) : "built-in " + builtin + " model";
    }

    /** The model's description (classes, preprocessing) when the file carries one, else null. */
    public ModelCard card() throws WeightsFormatException {
        if (!cardRead) {
            card = ModelCard.read(file());
            cardRead = true;
        }
        return card;
    }

    /** The built-in model whose samples suit these weights: the built-in model itself, or the data set a card names. */
    public String sampleSet() throws WeightsFormatException {
        if (isBuiltin()) return builtin;
        ModelCard c = card();
        String dataset = c == null ? null : c.facts().get("dataset");
        return dataset != null && BuiltinModels.NAMES.contains(dataset) ? dataset : null;
    }
}
