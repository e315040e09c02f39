package io.pixelgrad.cli;

import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** {@code pixelgrad layers}: an architecture's layers with output shapes, parameter counts and receptive fields. */
@Command(name = "layers", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"List an architecture's layers: module name (use it with --layer), output shape, parameters and "
                + "receptive field.",
            "Receptive field columns: rf = side of the input region one unit sees, jump = input pixels between "
                + "neighbouring units, start = input coordinate of the first unit's centre (0 = centre of pixel 0)."},
        footer = {"", "Example:", "  pixelgrad layers --model vgg16 --size 224"})
public final class LayersCommand extends PixelgradCommand {

    @Option(names = {"-m", "--model"}, paramLabel = "NAME", required = true,
            description = "Architecture: alexnet, caffe_alexnet, vgg11, vgg13, vgg16, vgg19 (each also with _bn), lenet or"
                    + " smallvgg; a narrow copy as NAME/DIVISOR, e.g. alexnet/16.")
    String model;

    @Option(names = {"-s", "--size"}, paramLabel = "PIXELS",
            description = "Side of the square input image. Default: 227 for caffe_alexnet, 28 for lenet and smallvgg, 224 otherwise.")
    int size;

    @Option(names = "--classes", paramLabel = "N",
            description = "Number of classes of the last layer (default: 10 for lenet and smallvgg, 1000 otherwise).")
    Integer classes;

    @Override
    protected int run() {
        String[] parts = model.strip().toLowerCase(Locale.ROOT).split("/", 2);
        if (parts[0].equals(ModelLoader.AUTO))
            throw new UserException("layers needs an architecture name, not auto; known: " + String.join(", ", Architectures.NAMES));
        if (!Architectures.NAMES.contains(parts[0]))
            throw new UserException("unknown model '" + model + "'; known: " + String.join(", ", Architectures.NAMES));
        int divisor;
        try {
            divisor = parts.length == 2 ? Integer.parseInt(parts[1]) : 1;
        } catch (NumberFormatException e) {
            throw new UserException("the width divisor in '" + model + "' must be a whole number");
        }
        if (divisor < 1) throw new UserException("the width divisor in '" + model + "' must be at least 1");
        boolean small = Architectures.SMALL.contains(parts[0]);
        int k = classes != null ? classes : small ? 10 : 1000;
        if (k < 1) throw new UserException("--classes must be at least 1, not " + k);
        int side = size > 0 ? size : parts[0].startsWith("caffe_") ? 227 : small ? 28 : 224;
        if (size < 0) throw new UserException("--size must be positive, not " + size);
        int channels = small ? 1 : 3;
        Classifier net;
        try {
            net = small ? Architectures.create(parts[0], k, divisor, channels, side) : Architectures.create(parts[0], k, divisor);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        List<LayerTable.Row> rows = LayerTable.forInput(net, new long[]{1, channels, side, side});
        int nameWidth = 6, descWidth = 10;
        for (LayerTable.Row r : rows) {
            nameWidth = Math.max(nameWidth, r.name().length());
            descWidth = Math.max(descWidth, r.description().length());
        }
        String fmt = "%-" + nameWidth + "s  %-" + descWidth + "s  %-18s %12s  %6s %5s %7s";
        out().println(net.architecture() + ", input 1x" + channels + "x" + side + "x" + side);
        out().println(String.format(Locale.ROOT, fmt, "module", "layer", "output", "parameters", "rf", "jump", "start"));
        long total = 0;
        for (LayerTable.Row r : rows) {
            total += r.parameters();
            String rf = r.rfSize() == 0 ? "all" : r.rfSize() < 0 ? "varies" : Long.toString(r.rfSize());
            String jump = r.rfSize() > 0 ? Long.toString(r.rfJump()) : "-";
            String start = r.rfSize() > 0 ? trim(r.rfStart()) : "-";
            out().println(String.format(Locale.ROOT, fmt, r.name(), r.description(), Arrays.toString(r.outputShape()),
                    String.format(Locale.ROOT, "%,d", r.parameters()), rf, jump, start));
        }
        out().println(String.format(Locale.ROOT, "total parameters: %,d", total));
        out().flush();
        return 0;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
