package io.pixelgrad.cli.synthesis;

import io.pixelgrad.autograd.optim.Adam;
import io.pixelgrad.autograd.optim.Lbfgs;
import io.pixelgrad.autograd.optim.Sgd;
import io.pixelgrad.cli.Progress;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.explain.Outputs;
import io.pixelgrad.engine.Npy;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.vis.synthesis.DivergenceException;
import io.pixelgrad.vis.synthesis.FeatureVisualization;
import io.pixelgrad.vis.synthesis.ImageParam;
import io.pixelgrad.vis.synthesis.InputSpace;
import io.pixelgrad.vis.synthesis.Objective;
import io.pixelgrad.vis.synthesis.ObjectiveParser;
import io.pixelgrad.vis.synthesis.RenderLoop;
import io.pixelgrad.vis.synthesis.Transforms;
import io.pixelgrad.vis.synthesis.Yosinski;
import io.pixelgrad.zoo.labels.ImageNetLabels;
import io.pixelgrad.zoo.labels.UnknownClassException;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code pixelgrad maximize}: the picture that most excites a unit, a channel, a class or any objective. */
@Command(name = "maximize", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Feature visualization by input optimization: find the picture that maximizes an objective.",
            "Objectives add, subtract and scale: a channel (features.28:12), a neuron (features.28:12@3,4), "
                + "class(281) or class(\"tabby cat\"), layer(L), diversity(L), penalties l1(), l2(), tv(2), alpha(6), "
                + "blur(). Lucent's defaults: fft parameters, decorrelated colours, the standard transforms, Adam lr "
                + "0.05, 512 steps at 128 px. Writes maximize.npy (the picture [3,H,W] in [0,1], or [N,3,H,W] for "
                + "--channels), maximize.png, maximize_filmstrip.png (the picture after K steps along the way) and "
                + "maximize.json (with the trajectory)."},
        footer = {"", "Examples:",
            "  pixelgrad maximize -w vgg16.pth --objective features.28:12 -o out/",
            "  pixelgrad maximize -w vgg16.pth --objective \"features.28:12 - 100*diversity(features.28)\" --batch 4 -o out/",
            "  pixelgrad maximize -w vgg16.pth --objective features.28 --channels 16 -o grid/        (channels 0..15)",
            "  pixelgrad maximize -w alexnet.pth --objective \"class(\\\"tabby cat\\\") - 1e-3*tv(2)\" --size 224 -o out/"})
public final class MaximizeCommand extends SynthesisCommand {

    @Option(names = "--objective", paramLabel = "TEXT", required = true,
            description = "What to maximize (see above); with --channels, a layer name.")
    String objectiveText;

    @Option(names = "--size", paramLabel = "PIXELS",
            description = "Picture side (default: 128, upsampled to 224 for ImageNet models; the input size for small models such as the built-in 28x28 ones).")
    Integer sizeOption;

    @Option(names = "--param", paramLabel = "KIND", defaultValue = "fft",
            description = "Parametrization: fft (1/f-scaled spectrum) or pixel (default: ${DEFAULT-VALUE}).")
    String param;

    @Option(names = "--decorrelate", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Decorrelate colours with ImageNet's colour correlation (default: on; --no-decorrelate turns it off).")
    boolean decorrelate;

    @Option(names = "--transforms", paramLabel = "LIST",
            description = "standard (pad 12, jitter 8, scale, rotate, jitter 4), none, or a list such as \"pad(4),jitter(2)\""
                    + " (default: standard; for small models without upsampling pad(2),jitter(2),jitter(1)).")
    String transformsText;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam", description = "adam, sgd or lbfgs (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: 0.05 for adam and sgd, 1 for lbfgs).")
    Double lr;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "512", description = "Optimization steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--init", paramLabel = "FILE.npy",
            description = "Starting parameters (shape [N,3,S,S] for pixel, [N,3,S,S/2+1,2] for fft); default N(0, 0.01^2) from --seed.")
    Path init;

    @Option(names = "--channels", paramLabel = "N", description = "A grid: channels 0..N-1 of the --objective layer, one picture each, in one batch.")
    Integer channels;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Pictures optimized together (for diversity; default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--snapshots", paramLabel = "K", defaultValue = "8", description = "Pictures along the way in the filmstrip (0: none; default: ${DEFAULT-VALUE}).")
    int snapshots;

    @Option(names = "--regularize", paramLabel = "PRESET",
            description = "Yosinski et al.'s between-step regularizers: yosinski1 .. yosinski4 (pixel parameters in normalized space, their optimizer).")
    String regularize;

    @Override
    protected int run() throws Exception {
        requireOut();
        if (steps < 0) throw usage("--steps must be >= 0, not " + steps);
        if (sizeOption != null && sizeOption < 1) throw usage("--size must be at least 1, not " + sizeOption);
        if (snapshots < 0) throw usage("--snapshots must be >= 0, not " + snapshots);
        if (batch < 1) throw usage("--batch must be at least 1, not " + batch);
        if (channels != null && channels < 1) throw usage("--channels must be at least 1, not " + channels);
        String kind = param.toLowerCase(Locale.ROOT);
        if (!kind.equals("fft") && !kind.equals("pixel")) throw usage("--param must be fft or pixel, not '" + param + "'");
        if (kind.equals("fft") && sizeOption != null && sizeOption % 2 != 0)
            throw usage("--param fft needs an even --size, not " + sizeOption + " (try " + (sizeOption + 1) + ")");
        String opt = optimizer.toLowerCase(Locale.ROOT);
        if (!List.of("adam", "sgd", "lbfgs").contains(opt)) throw usage("--optimizer must be adam, sgd or lbfgs, not '" + optimizer + "'");
        double rate = lr != null ? lr : opt.equals("lbfgs") ? 1 : 0.05;
        if (!(rate > 0)) throw usage("--lr must be positive, not " + rate);
        if (transformsText != null) {
            try {
                Transforms.parse(transformsText);
            } catch (IllegalArgumentException e) {
                throw usage("--transforms: " + e.getMessage());
            }
        }
        Yosinski yosinski = null;
        if (regularize != null) {
            try {
                yosinski = Yosinski.preset(regularize);
            } catch (IllegalArgumentException e) {
                throw usage("--regularize: " + e.getMessage());
            }
        }

        Classifier net = load();
        InputSpace space = space(net);
        // small models see their own input size; ImageNet models a 128 px picture upsampled to 224 (Lucent)
        int size = sizeOption != null ? sizeOption : space.minSide() > 0 ? 128 : nativeSide(net);
        if (kind.equals("fft") && size % 2 != 0) size++;
        Transforms transforms = Transforms.parse(transformsText != null ? transformsText
                : space.minSide() > 0 ? "standard" : "pad(2),jitter(2),jitter(1)");
        Objective objective = objective(net);
        int n = channels != null ? channels : batch;
        int c = space.channels();
        ImageParam p = yosinski != null ? ImageParam.input(n, c, size, size, space)
                : kind.equals("fft") ? ImageParam.fft(n, c, size, size, decorrelate && c == 3)
                : ImageParam.pixel(n, c, size, size, decorrelate && c == 3);
        RenderLoop loop;
        try {
            loop = RenderLoop.of(net, space, p, objective).transforms(transforms).steps(steps).snapshots(snapshots).seed(seed);
        } catch (IllegalArgumentException e) {
            throw usage("--objective: " + e.getMessage());
        }
        if (init != null) {
            INDArray start;
            try {
                start = Npy.read(init);
            } catch (java.io.IOException | RuntimeException e) {
                throw usage("--init " + init + " is not a readable .npy array: " + e.getMessage());
            }
            if (!java.util.Arrays.equals(start.shape(), p.shape()))
                throw usage("--init " + init + " has shape " + java.util.Arrays.toString(start.shape()) + "; this run needs "
                        + java.util.Arrays.toString(p.shape()) + " (" + kind + " parameters for " + n + " picture(s) of " + size + " px)");
            loop.start(start);
        }
        final Yosinski y = yosinski;
        if (y != null) loop.optimizer(y::optimizer).between(y);
        else loop.optimizer(switch (opt) {
            case "sgd" -> list -> Sgd.builder(list).lr(rate).momentum(0.9).build();
            case "lbfgs" -> list -> Lbfgs.builder(list).lr(rate).build();
            default -> list -> Adam.builder(list).lr(rate).build();
        });
        try {
            loop.check();
        } catch (ObjectiveParser.SyntaxException e) {
            throw usage(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw usage("--objective: " + e.getMessage());
        }

        RenderLoop.Result result = null;
        DivergenceException diverged = null;
        try (Progress bar = Progress.start("Maximizing", steps, "", 1)) {
            loop.listener((step, total, value) -> {
                bar.stepTo(step);
                bar.message(String.format(Locale.ROOT, "objective %.4g", value));
            });
            result = loop.run();
        } catch (DivergenceException e) {
            diverged = e;
        } finally {
            p.close();
        }
        Map<String, Object> d = describe("maximize", net);
        d.put("objective", objective.toString());
        if (channels != null) d.put("channels", channels);
        d.put("batch", n);
        d.put("size", size);
        d.put("param", yosinski != null ? "input" : kind);
        d.put("decorrelate", yosinski == null && decorrelate && c == 3);
        d.put("transforms", transforms.describe());
        d.put("optimizer", yosinski != null ? regularize : opt);
        d.put("lr", yosinski != null ? yosinski.lr() : rate);
        d.put("steps", steps);
        d.put("input_space", space.toString());
        if (init != null) d.put("init", init.toString());
        try (Outputs o = new Outputs(out.out)) {
            if (diverged != null) {
                d.put("diverged_at_step", diverged.step());
                if (diverged.lastFinitePicture() != null) {
                    o.npy("maximize.npy", npyArray(diverged.lastFinitePicture()));
                    o.png("maximize.png", pictures(diverged.lastFinitePicture()));
                }
                o.json("maximize.json", d);
                report(o.commit());
                throw new io.pixelgrad.cli.UserException(diverged.getMessage() + " (the last finite picture is in " + out.out + ")");
            }
            d.put("trajectory", result.trajectory());
            d.put("snapshot_steps", result.snapshotSteps());
            o.npy("maximize.npy", npyArray(result.picture()));
            o.png("maximize.png", pictures(result.picture()));
            if (!result.snapshots().isEmpty()) o.png("maximize_filmstrip.png", filmstrip(result));
            o.json("maximize.json", d);
            report(o.commit());
        }
        double last = steps > 0 ? result.trajectory()[steps - 1] : Double.NaN;
        out().println(String.format(Locale.ROOT, "%s: objective %.6g after %d steps", objective, last, steps));
        out().flush();
        return 0;
    }

    private Objective objective(Classifier net) {
        try {
            if (channels != null) {
                String layer = objectiveText.strip();
                io.pixelgrad.vis.Passes.requireLayer(net, layer);
                return FeatureVisualization.grid(layer, channels);
            }
            return ObjectiveParser.parse(objectiveText, new ObjectiveParser.Context() {
                @Override
                public int classIndex(String name) {
                    try {
                        if (weights.card() != null && weights.card().classes().size() == net.numClasses())
                            return weights.card().resolveClass(name);
                        return ImageNetLabels.get().resolve(name, net.numClasses());
                    } catch (UnknownClassException | io.pixelgrad.zoo.weights.WeightsFormatException e) {
                        throw new IllegalArgumentException(e.getMessage());
                    }
                }

                @Override
                public double[] direction(String file) {
                    try {
                        return io.pixelgrad.vis.Passes.values(Npy.read(Path.of(file)));
                    } catch (java.io.IOException e) {
                        throw new IllegalArgumentException("direction file " + file + " is not readable: " + e.getMessage());
                    }
                }
            });
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage().startsWith("objective") ? e.getMessage() : "--objective: " + e.getMessage());
        }
    }

    /** A small model's input side: its description's, else 28 (MNIST-sized). */
    private int nativeSide(Classifier net) throws Exception {
        return weights.card() != null ? weights.card().side() : 28;
    }

    private static BufferedImage filmstrip(RenderLoop.Result r) {
        List<BufferedImage> frames = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < r.snapshots().size(); i++) {
            frames.add(pictures(r.snapshots().get(i)));
            captions.add("step " + r.snapshotSteps()[i]);
        }
        return Render.filmstrip(frames, captions);
    }

    private void report(List<Path> files) {
        for (Path f : files) err().println("wrote " + f);
        err().flush();
    }

}
