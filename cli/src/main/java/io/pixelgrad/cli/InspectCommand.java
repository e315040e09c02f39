package io.pixelgrad.cli;

import io.pixelgrad.cli.options.WeightsOption;
import io.pixelgrad.zoo.load.ArchitectureMatch;
import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.weights.OnnxNameMapper;
import io.pixelgrad.zoo.weights.StateDict;
import io.pixelgrad.zoo.weights.WeightTensor;
import io.pixelgrad.zoo.weights.WeightsReaders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.Locale;

/** {@code pixelgrad inspect}: the tensors of a weights file and the architecture they fit. */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"List every tensor of a weights file (name, shape, dtype) and say which architecture it matches.",
            "ONNX initializers are shown under the state_dict names pixelgrad maps them to (with the ONNX name "
                + "when it differs). BatchNorm's num_batches_tracked counters are training bookkeeping and are not "
                + "listed."},
        footer = {"", "Example:", "  pixelgrad inspect --weights vgg16.pth"})
public final class InspectCommand extends PixelgradCommand {

    @Mixin
    WeightsOption weights;

    @picocli.CommandLine.Option(names = "--load",
            description = "Also load every tensor into the matching architecture: reads all the data (finding damage"
                    + " that the header checks cannot) and reports how long loading took.")
    boolean load;

    @Override
    protected int run() throws Exception {
        WeightsReaders.Format format = WeightsReaders.detect(weights.file());
        try (StateDict raw = WeightsReaders.open(weights.file())) {
            StateDict sd = raw;
            OnnxNameMapper mapper = null;
            if (format == WeightsReaders.Format.ONNX) {
                mapper = OnnxNameMapper.forNames(raw.keys());
                sd = mapper.apply(raw);
            }
            out().println(weights.label() + ": " + describe(format) + (mapper != null ? ", " + mapper.naming() + " names" : "")
                    + ", " + String.format(Locale.ROOT, "%,d", Files.size(weights.file())) + " bytes");
            int width = 4;
            for (String k : sd.keys()) width = Math.max(width, k.length());
            long total = 0;
            var rawNames = raw.keys().iterator();
            for (WeightTensor t : sd.tensors().values()) {
                String original = rawNames.next();
                total += t.numel();
                out().println(String.format(Locale.ROOT, "  %-" + width + "s  %-20s %-5s%s", t.name(), Arrays.toString(t.shape()),
                        t.dtype(), original.equals(t.name()) ? "" : "  (ONNX " + original + ")").stripTrailing());
            }
            out().println(String.format(Locale.ROOT, "%d tensors, %,d parameters", sd.size(), total));
            ArchitectureMatch m = ModelLoader.infer(sd);
            if (m.exact()) {
                out().println("architecture: " + m.label() + "; load it with --model " + m.name()
                        + (m.widthDivisor() == 1 ? "" : "/" + m.widthDivisor()) + " or --model auto");
            } else if (m.name() != null) {
                out().println("architecture: none fits exactly; the keys are " + m.label() + "'s, but " + m.problems().size()
                        + " shapes differ: " + m.problems().get(0));
            } else {
                out().println("architecture: none; " + m.problems().get(0));
            }
            if (load) {
                if (!m.exact()) throw new UserException("--load needs weights that fit an architecture; these do not");
                long start = System.nanoTime();
                var model = ModelLoader.load(ModelLoader.AUTO, sd);
                out().println(String.format(Locale.ROOT, "loaded into %s in %.2f s", model.architecture(),
                        (System.nanoTime() - start) / 1e9));
            }
        }
        out().flush();
        return 0;
    }

    private static String describe(WeightsReaders.Format f) {
        return switch (f) {
            case PYTORCH_ZIP -> "PyTorch (zip)";
            case PYTORCH_LEGACY -> "PyTorch (legacy)";
            case SAFETENSORS -> "safetensors";
            case ONNX -> "ONNX";
        };
    }
}
