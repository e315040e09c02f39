package io.pixelgrad.cli.options;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --weights}: a weights file in any format pixelgrad reads. */
public final class WeightsOption {

    /** The weights file. */
    @Option(names = {"-w", "--weights"}, paramLabel = "FILE", required = true,
            description = "Weights file: PyTorch .pth (zip or legacy torch.save of a state_dict), .safetensors or .onnx.")
    public Path weights;
}
