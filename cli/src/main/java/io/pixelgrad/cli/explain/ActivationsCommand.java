package io.pixelgrad.cli.explain;

import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.vis.ActivationMaps;
import io.pixelgrad.vis.Attribution;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.vis.Target;
import io.pixelgrad.zoo.images.ImageInput;
import io.pixelgrad.zoo.images.Preprocessing;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code pixelgrad activations}: every channel of a layer for one image as a grid; dead channels over a set of images. */
@Command(name = "activations", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Show every channel of a layer's output for one image as a grid of grey tiles.",
            "One shared scale; default layer: the last conv's ReLU. With --dead-over, list the channels that stay "
                + "zero on every one of those images."},
        footer = {"", "Example:", "  pixelgrad activations -w alexnet.pth -i cat.jpg -l features.4 --dead-over a.jpg b.jpg -o out/"})
public final class ActivationsCommand extends ExplainCommand {

    @Option(names = "--dead-over", paramLabel = "FILE", arity = "1..*",
            description = "Images over which dead channels are counted (the --image is always included).")
    List<Path> others = new ArrayList<>();

    @Override
    protected int run() throws Exception {
        requireOut();
        Classifier net = loadModel();
        Input in = loadInput(net);
        String name = layer.given() ? layer.layer : net.lastConvReluName();
        if (layer.given()) layer.resolve(net);
        ActivationMaps maps = ActivationMaps.of(net, in.x(), name);
        List<INDArray> batch = new ArrayList<>(List.of(in.x()));
        Preprocessing preprocessing = image.preprocessing(net, weights.card());
        for (Path p : others) {
            INDArray x = ImageInput.load(p, preprocessing);
            if (x.size(2) != in.x().size(2) || x.size(3) != in.x().size(3))
                throw new IllegalArgumentException("image " + p + " is " + x.size(3) + "x" + x.size(2) + ", the others "
                        + in.x().size(3) + "x" + in.x().size(2));
            batch.add(x.castTo(net.dataType()));
        }
        List<Integer> dead = ActivationMaps.deadChannels(net, Nd4j.concat(0, batch.toArray(new INDArray[0])), name);
        int[] s = maps.shape();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("method", "activations");
        d.put("pixelgrad_version", VersionProvider.version());
        d.put("model", net.architecture());
        d.put("dtype", dtype.label());
        d.put("weights", weights.label());
        d.put("weights_sha256", Outputs.sha256(weights.file()));
        d.put("image", image.label());
        d.put("layer", name);
        d.put("shape", s);
        d.put("silent_channels", maps.silentChannels());
        d.put("dead_channels", dead);
        d.put("dead_over_images", batch.size());
        try (Outputs o = new Outputs(out.out)) {
            o.npy("activations.npy", maps.array());
            o.png("activations.png", maps.grid());
            o.json("activations.json", d);
            report(o.commit());
        }
        out().println(name + ": " + s[0] + " channels " + s[1] + "x" + s[2] + "; zero on this image: " + maps.silentChannels().size()
                + "; dead over " + batch.size() + " image(s): " + dead);
        out().flush();
        return 0;
    }
}
