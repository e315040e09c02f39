package io.pixelgrad.cli.options;

import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.cli.UserException;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code --layer}: a module of the model by its PyTorch name, e.g. features.28. */
public final class LayerOption {

    /** The layer name as given, or null. */
    @Option(names = {"-l", "--layer"}, paramLabel = "NAME",
            description = "Layer by its PyTorch module name, e.g. features.28 (see `pixelgrad layers`).")
    public String layer;

    /** Whether a layer was given. */
    public boolean given() {
        return layer != null;
    }

    /** The named module of the model, or a one-line error listing the layer names. */
    public Module resolve(Module model) {
        Module m = model.modules().get(layer);
        if (m != null && !layer.isEmpty()) return m;
        List<String> names = new ArrayList<>();
        for (var e : model.modules().entrySet()) if (e.getValue().children().isEmpty()) names.add(e.getKey());
        throw new UserException("no layer '" + layer + "' in this model; layers: " + String.join(", ", names));
    }
}
