package io.pixelgrad.cli.serve;

import io.pixelgrad.cli.PixelgradCommand;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.options.DtypeOption;
import io.pixelgrad.cli.options.ModelOption;
import io.pixelgrad.cli.options.WeightsOption;
import io.pixelgrad.explorer.ExplorerConfig;
import io.pixelgrad.explorer.ExplorerServer;
import io.pixelgrad.explorer.ModelSource;
import io.pixelgrad.explorer.WeightsModelSource;
import io.pixelgrad.zoo.models.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;

/** {@code pixelgrad serve}: the explorer, a local web page to walk through the network and watch gradients reach the pixels. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Serve the explorer: a web page to walk through the network layer by layer.",
            "Click any unit to see its activation map and its deconvnet and guided",
            "projections to the pixels, compare every attribution method for a class,",
            "and watch the gradient travel back to the pixels. Open the printed address",
            "in a browser; Ctrl-C stops the server. Everything runs on this machine."},
        footer = {"", "Example:", "  pixelgrad serve -w alexnet.pth            # then open http://127.0.0.1:8080/",
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
            description = {"Address to listen on (default: ${DEFAULT-VALUE}, this machine only).",
                "Anything else (0.0.0.0, a network address) lets other machines use the explorer and its CPU: only on a network you trust."})
    String host;

    @Override
    protected int run() throws Exception {
        if (port < 0 || port > 65535)
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, not " + port);
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--host " + host + " is not a known address");
        }
        // Where the model comes from. When the built-in trained model (issue 13) lands, --weights becomes optional and
        // its absence selects that model's ModelSource (its own pipeline, samples and class names) here.
        Classifier net = loadModel(model, weights, dtype.dataType);
        ModelSource source = new WeightsModelSource(net, weights.weights);
        err().println("Preparing the explorer (one pass over the first sample)...");
        err().flush();
        // Feature visualization (issue 8) plugs in here: .featureVisualizer(...) enables the page's button for it.
        ExplorerServer server = ExplorerServer.builder(source).config(ExplorerConfig.defaults().at(host, port)).start();
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
