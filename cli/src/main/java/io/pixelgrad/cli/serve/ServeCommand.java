package io.pixelgrad.cli.serve;

import io.pixelgrad.cli.PixelgradCommand;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.options.DtypeOption;
import io.pixelgrad.cli.options.ImageOption;
import io.pixelgrad.cli.options.ModelOption;
import io.pixelgrad.cli.options.WeightsOption;
import io.pixelgrad.explorer.BuiltinModelSource;
import io.pixelgrad.explorer.ExplorerConfig;
import io.pixelgrad.explorer.ExplorerServer;
import io.pixelgrad.explorer.ImagePipeline;
import io.pixelgrad.explorer.ModelSource;
import io.pixelgrad.explorer.SynthesisVisualizer;
import io.pixelgrad.explorer.WeightsModelSource;
import io.pixelgrad.zoo.models.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;

/** {@code pixelgrad serve}: the explorer, a local web page to walk through the network and watch gradients reach the pixels. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Serve the explorer: a web page to walk through the network layer by layer.",
            "Click any unit to see its activation map and its deconvnet and guided projections to the pixels and "
                + "its feature visualization (what pixelgrad maximize --objective LAYER:CHANNEL draws), compare every "
                + "attribution method for a class, and watch the gradient travel back to the pixels. Without --weights "
                + "it shows the built-in Fashion-MNIST model with its class names and sample images. Open the printed "
                + "address in a browser; Ctrl-C stops the server. Everything runs on this machine."},
        footer = {"", "Examples:", "  pixelgrad serve                           # the built-in model; then open http://127.0.0.1:8080/",
            "  pixelgrad serve -w alexnet.pth",
            "  pixelgrad serve -w vgg16.pth --port 9000 --dtype float64"})
public final class ServeCommand extends PixelgradCommand {

    /** --model. */
    @Mixin
    ModelOption model;
    /** --weights. */
    @Mixin
    WeightsOption weights;
    /** --dtype. */
    @Mixin
    DtypeOption dtype;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = {"Address to listen on (default: ${DEFAULT-VALUE}, this machine only). Anything else (0.0.0.0, a "
                    + "network address) lets other machines use the explorer and its CPU: only on a network you trust."})
    String host;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "512",
            description = "Optimization steps of a unit's feature visualization, as pixelgrad maximize --steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of the feature visualization, as pixelgrad maximize --seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    protected int run() throws Exception {
        if (steps < 1) throw usage("--steps must be at least 1, not " + steps);
        if (port < 0 || port > 65535)
            throw usage("--port must be between 0 and 65535, not " + port);
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw usage("--host " + host + " is not a known address");
        }
        // The model as every other command chooses it: --weights, else the built-in model (--builtin) with its card's
        // preprocessing, class names and sample images.
        Classifier net = loadModel(model, weights, dtype.dataType);
        ModelSource source;
        if (weights.isBuiltin()) {
            source = new BuiltinModelSource(weights.builtin, net, weights.card());
        } else {
            // a file: the preprocessing --image gets (its description's, else ImageNet's or a small network's), the
            // samples of the data set it was trained on when that is a built-in one, else the photographs
            String set = weights.sampleSet();
            source = new WeightsModelSource(net, weights.weights, ImagePipeline.of(new ImageOption().preprocessing(net, weights.card())),
                    weights.card(), set != null ? BuiltinModelSource.samples(set) : WeightsModelSource.PHOTOS);
        }
        err().println("Preparing the explorer (one pass over the first sample)...");
        err().flush();
        SynthesisVisualizer visualizer = SynthesisVisualizer.forModel(net, weights.card()).steps(steps).seed(seed);
        ExplorerServer server = ExplorerServer.builder(source).config(ExplorerConfig.defaults().at(host, port))
                .featureVisualizer(visualizer).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "pixelgrad-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        if (!address.isLoopbackAddress())
            err().println("warning: listening on " + host + ": other machines can use this explorer");
        out().println("pixelgrad explorer: " + server.uri() + "  (" + source.label() + "; Ctrl-C stops it)");
        out().flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            // embedded use (tests): an interrupt stops the server like Ctrl-C does
            Runtime.getRuntime().removeShutdownHook(hook);
            server.close();
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
