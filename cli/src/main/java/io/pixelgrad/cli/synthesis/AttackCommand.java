package io.pixelgrad.cli.synthesis;

import io.pixelgrad.cli.Progress;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.explain.Outputs;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.vis.synthesis.Attack;
import io.pixelgrad.vis.synthesis.InputSpace;
import io.pixelgrad.vis.synthesis.RenderLoop;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code pixelgrad attack}: adversarial examples (FGSM, PGD, targeted, eps sweeps) and fooling pictures. */
@Command(name = "attack", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Adversarial examples, as torchattacks computes them in [0,1] pixel space (the model sees the "
                + "normalized picture): FGSM x' = clamp(x + eps*sign(dCE/dx), 0, 1); PGD from a random start in the eps "
                + "ball, steps of alpha*sign(grad) projected back to the ball and [0,1]; --target climbs log p(target) "
                + "instead of CE(label).",
            "The label attacked is the prediction unless --label is given. --sweep tries eps on a grid and keeps "
                + "the smallest that changes the prediction. --method fool makes a fooling picture: from noise, a "
                + "picture the network labels --target with over 99% confidence. Writes attack.npy (the picture [3,H,W] "
                + "in [0,1]), attack.png, attack_perturbation.png (the change, magnified), attack_panel.png (before and "
                + "after with the top 5) and attack.json (every parameter, the seed, top 5 before and after, the "
                + "objective at every step)."},
        footer = {"", "Examples:",
            "  pixelgrad attack -w vgg16.pth --image cat.jpg --method fgsm --eps 2/255 -o out/",
            "  pixelgrad attack -w vgg16.pth --image cat.jpg --method pgd --target \"tiger cat\" -o out/",
            "  pixelgrad attack -w vgg16.pth --image cat.jpg --method fgsm --sweep -o sweep/",
            "  pixelgrad attack -w vgg16.pth --method fool --target 281 -o fool/"})
public final class AttackCommand extends SynthesisCommand {

    @Option(names = {"-i", "--image"}, paramLabel = "FILE",
            description = "The picture attacked, preprocessed as classify does (ImageNet models: shorter side 256, centre crop 224;"
                    + " small models: their input size); default: a sample of the built-in model (see --sample).")
    Path image;

    @Option(names = "--sample", paramLabel = "NAME", description = "A bundled sample of the built-in model instead of --image.")
    String sample;

    @Option(names = "--method", paramLabel = "NAME", defaultValue = "fgsm", description = "fgsm, pgd or fool (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--eps", paramLabel = "E", defaultValue = "8/255",
            description = "Largest change of a pixel value, in [0,1] (a number or a fraction such as 8/255; default: ${DEFAULT-VALUE}).")
    String eps;

    @Option(names = "--alpha", paramLabel = "A", defaultValue = "2/255", description = "PGD's step (default: ${DEFAULT-VALUE}).")
    String alpha;

    @Option(names = "--steps", paramLabel = "N", description = "PGD's steps (default 10) or the fooling picture's Adam steps (default 200).")
    Integer steps;

    @Option(names = "--no-random-start", description = "PGD starts at the picture itself instead of a random point of the eps ball.")
    boolean noRandomStart;

    @Option(names = "--label", paramLabel = "CLASS", description = "The true class, moved away from (default: the network's prediction).")
    String label;

    @Option(names = "--target", paramLabel = "CLASS", description = "A targeted attack: the class to reach (index or ImageNet name).")
    String target;

    @Option(names = "--sweep", description = "Try eps on the --sweep-grid in increasing order and keep the first that changes the prediction.")
    boolean sweep;

    @Option(names = "--sweep-grid", paramLabel = "FROM:TO:STEP", defaultValue = "1/255:32/255:1/255",
            description = "The eps grid of --sweep (default: ${DEFAULT-VALUE}).")
    String grid;

    @Option(names = "--size", paramLabel = "PIXELS", description = "Side of a fooling picture (default: the side of the pictures the model classifies).")
    Integer size;

    @Option(names = "--init", paramLabel = "FILE.npy",
            description = "Starting picture [1,3,H,W] in [0,1]: PGD's start instead of the random one, or the fooling picture's instead of noise.")
    Path init;

    @Override
    protected int run() throws Exception {
        requireOut();
        String m = method.toLowerCase(Locale.ROOT);
        if (!List.of("fgsm", "pgd", "fool").contains(m)) throw usage("--method must be fgsm, pgd or fool, not '" + method + "'");
        boolean fool = m.equals("fool");
        double e = fraction("--eps", eps), a = fraction("--alpha", alpha);
        if (!(e >= 0 && e <= 1)) throw usage("--eps must be in [0,1], not " + eps);
        if (!(a > 0 && a <= 1)) throw usage("--alpha must be in (0,1], not " + alpha);
        int n = steps != null ? steps : fool ? Attack.FOOL_STEPS : 10;
        if (n < (fool ? 0 : 1)) throw usage("--steps must be at least " + (fool ? 0 : 1) + ", not " + n);
        double[] epsGrid = sweep ? grid() : null;
        if (fool && target == null) throw usage("--method fool needs --target CLASS: the class the picture should be taken for");
        if (fool && (sweep || label != null || image != null || sample != null))
            throw usage("--method fool takes no --image, --sample, --sweep or --label: it starts from noise (or --init)");
        if (m.equals("fgsm") && init != null) throw usage("--init applies to pgd and fool: FGSM starts at the picture itself");
        if (size != null && !fool) throw usage("--size applies to --method fool; attacks keep the picture's size");

        Classifier net = load();
        InputSpace space = space(net);
        int channels = space.channels();
        Integer targetClass = target == null ? null : classIndex("--target", target, net);
        if (fool) return fool(net, space, targetClass, size != null ? size : modelSide(net), n);

        Path file = imageOrSample(image, sample);
        INDArray x = modelPicture("--image", file, net, channels);
        double[] before = Attack.probabilities(net, space, x);
        int labelClass = label == null ? Attack.argmax(before) : classIndex("--label", label, net);
        Attack.Settings s = new Attack.Settings(m.equals("pgd") ? Attack.Method.PGD : Attack.Method.FGSM, e, a, n, !noRandomStart, targetClass);
        INDArray start = init == null ? null : readInit(init, x.shape(), "a picture in [0,1] of the attacked size", net.dataType());

        List<Attack.SweepPoint> points = null;
        if (sweep) {
            try (Progress bar = Progress.start("Sweeping eps", epsGrid.length, "", 1)) {
                int[] done = {0};
                points = Attack.sweep(net, space, x, labelClass, s, epsGrid, seed, p -> {
                    bar.stepTo(++done[0]);
                    bar.message(String.format(Locale.ROOT, "eps %.4f: %s", p.eps(), className(net, p.predicted())));
                });
            }
            s = s.withEps(points.get(points.size() - 1).eps());
        }
        final Attack.Settings settings = s;
        RenderLoop.Result r;
        INDArray begin = start != null ? start
                : settings.method() == Attack.Method.PGD && settings.randomStart() ? Attack.randomStart(x, settings.eps(), new java.util.Random(seed))
                : x.dup('c');
        try (Progress bar = Progress.start("Attacking", settings.loopSteps(), "", 1)) {
            r = Attack.loop(net, space, x, labelClass, settings, begin).seed(seed).listener((step, total, value) -> {
                bar.stepTo(step);
                bar.message(String.format(Locale.ROOT, "%s %.4g", targetClass == null ? "CE" : "log p", value));
            }).run();
        }
        INDArray adv = r.picture();
        double[] after = Attack.probabilities(net, space, adv);
        INDArray delta = adv.sub(x);
        double linf = delta.amaxNumber().doubleValue();
        int top = Attack.argmax(after);
        boolean success = targetClass == null ? top != labelClass : top == targetClass;

        Map<String, Object> d = describe("attack", net);
        d.put("image", image != null ? image.toString() : "sample:" + file.getFileName());
        d.put("image_size", new long[]{x.size(3), x.size(2)});
        d.put("attack", m);
        d.put("objective", targetClass == null ? "CE(label) = -log p(label)" : "log p(target) = -CE(target)");
        d.put("label", labelClass);
        d.put("label_name", className(net, labelClass));
        if (targetClass != null) {
            d.put("target", targetClass);
            d.put("target_name", className(net, targetClass));
        }
        d.put("eps", settings.eps());
        if (settings.method() == Attack.Method.PGD) {
            d.put("alpha", settings.alpha());
            d.put("steps", settings.steps());
            d.put("random_start", init == null && settings.randomStart());
        }
        if (init != null) d.put("init", init.toString());
        d.put("input_space", space.name());
        d.put("top5_before", top5(net, before));
        d.put("top5_after", top5(net, after));
        d.put("success", success);
        d.put("linf", linf);
        if (points != null) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Attack.SweepPoint p : points) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("eps", p.eps());
                row.put("predicted", p.predicted());
                row.put("name", className(net, p.predicted()));
                row.put("probability", p.probability());
                rows.add(row);
            }
            d.put("sweep", rows);
            d.put("flip_eps", Attack.flipped(points, labelClass, targetClass) ? settings.eps() : null);
        }
        d.put("trajectory", r.trajectory());
        BufferedImage perturbation = perturbation(delta, linf);
        try (Outputs o = new Outputs(out.out)) {
            o.npy("attack.npy", npyArray(adv));
            o.png("attack.png", pictures(adv));
            o.png("attack_perturbation.png", perturbation);
            o.png("attack_panel.png", Render.captioned(List.of(pictures(x), perturbation, pictures(adv)), List.of(
                    captions("before", net, before), List.of(String.format(Locale.ROOT, "perturbation, max %.4f", linf),
                            String.format(Locale.ROOT, "(x%.1f: grey is no change)", linf > 0 ? 0.5 / linf : 1)),
                    captions("after", net, after))));
            o.json("attack.json", d);
            commit(o);
        }
        io.pixelgrad.engine.Arrays.release(delta, r.params());
        String verdict = success ? "now " + className(net, top) : "still " + className(net, top);
        if (points != null && !Attack.flipped(points, labelClass, targetClass))
            out().println(String.format(Locale.ROOT, "no eps up to %.4f changes the prediction: %s", settings.eps(), verdict));
        else out().println(String.format(Locale.ROOT, "%s eps %.4f: %s (%.1f%%) -> %s (%.1f%%)%s", m, settings.eps(),
                className(net, labelClass), 100 * before[labelClass], className(net, top), 100 * after[top],
                points != null ? " (smallest eps on the grid that flips it)" : ""));
        out().flush();
        return 0;
    }

    /** A fooling picture: Adam on log p(target) from noise (or --init), clamped to [0,1]. */
    private int fool(Classifier net, InputSpace space, int targetClass, int side, int n) throws Exception {
        int channels = space.channels();
        RenderLoop loop = Attack.fool(net, space, targetClass, channels, side).steps(n).seed(seed);
        if (init != null) loop.start(readInit(init, new long[]{1, channels, side, side}, "a picture in [0,1] of --size", net.dataType()));
        RenderLoop.Result r;
        try (Progress bar = Progress.start("Fooling", n, "", 1)) {
            r = loop.listener((step, total, value) -> {
                bar.stepTo(step);
                bar.message(String.format(Locale.ROOT, "p(target) %.4f", Math.exp(value)));
            }).run();
        }
        double[] p = Attack.probabilities(net, space, r.picture());
        Map<String, Object> d = describe("attack", net);
        d.put("attack", "fool");
        d.put("objective", "log p(target)");
        d.put("target", targetClass);
        d.put("target_name", className(net, targetClass));
        d.put("size", side);
        d.put("optimizer", "adam");
        d.put("lr", Attack.FOOL_LR);
        d.put("steps", n);
        d.put("start", init != null ? init.toString() : "U(0,1) noise from the seed");
        d.put("input_space", space.name());
        d.put("confidence", p[targetClass]);
        d.put("success", p[targetClass] > 0.99);
        d.put("top5_after", top5(net, p));
        d.put("trajectory", r.trajectory());
        try (Outputs o = new Outputs(out.out)) {
            o.npy("attack.npy", npyArray(r.picture()));
            o.png("attack.png", pictures(r.picture()));
            o.png("attack_panel.png", Render.captioned(List.of(pictures(r.picture())), List.of(captions("fooling picture", net, p))));
            o.json("attack.json", d);
            commit(o);
        }
        io.pixelgrad.engine.Arrays.release(r.params());
        out().println(String.format(Locale.ROOT, "fooling picture: %s with probability %.4f after %d steps", className(net, targetClass),
                p[targetClass], n));
        if (p[targetClass] <= 0.99) err().println("note: below 99% confidence; try more --steps");
        out().flush();
        err().flush();
        return 0;
    }

    /** A number or a fraction a/b. */
    private double fraction(String option, String text) {
        try {
            String t = text.strip();
            int slash = t.indexOf('/');
            if (slash < 0) return Double.parseDouble(t);
            return Double.parseDouble(t.substring(0, slash)) / Double.parseDouble(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw usage(option + " must be a number or a fraction such as 8/255, not '" + text + "'");
        }
    }

    /** The eps values FROM, FROM+STEP, ... up to TO (within rounding), each in [0,1]. */
    private double[] grid() {
        String[] parts = this.grid.split(":");
        if (parts.length != 3) throw usage("--sweep-grid must be FROM:TO:STEP, not '" + this.grid + "'");
        double from = fraction("--sweep-grid", parts[0]), to = fraction("--sweep-grid", parts[1]), step = fraction("--sweep-grid", parts[2]);
        if (!(from >= 0 && to <= 1 && from <= to && step > 0))
            throw usage("--sweep-grid needs 0 <= FROM <= TO <= 1 and STEP > 0, not '" + this.grid + "'");
        int count = (int) Math.floor((to - from) / step + 1e-9) + 1;
        if (count > 10_000) throw usage("--sweep-grid has " + count + " points; at most 10000");
        double[] g = new double[count];
        for (int i = 0; i < count; i++) g[i] = from + i * step;
        return g;
    }

    private List<Map<String, Object>> top5(Classifier net, double[] p) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (i, j) -> p[j] != p[i] ? Double.compare(p[j], p[i]) : Integer.compare(i, j));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int r = 0; r < Math.min(5, p.length); r++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("rank", r + 1);
            row.put("index", order[r]);
            row.put("name", className(net, order[r]));
            row.put("probability", p[order[r]]);
            rows.add(row);
        }
        return rows;
    }

    private List<String> captions(String title, Classifier net, double[] p) {
        List<String> lines = new ArrayList<>();
        lines.add(title + ":");
        for (Map<String, Object> row : top5(net, p))
            lines.add(String.format(Locale.ROOT, "%5.1f%%  %s", 100 * (Double) row.get("probability"), row.get("name")));
        return lines;
    }

    /** The perturbation made visible: 0.5 + delta * 0.5 / max|delta| (grey is no change). */
    private static BufferedImage perturbation(INDArray delta, double linf) {
        INDArray shown = delta.mul(linf > 0 ? 0.5 / linf : 1).addi(0.5);
        BufferedImage img = pictures(shown);
        io.pixelgrad.engine.Arrays.release(shown);
        return img;
    }
}
