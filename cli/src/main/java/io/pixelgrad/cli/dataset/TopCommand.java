package io.pixelgrad.cli.dataset;

import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.cli.explain.Outputs;
import io.pixelgrad.cli.options.OutOption;
import io.pixelgrad.vis.dataset.DatasetPass;
import io.pixelgrad.vis.dataset.Hit;
import io.pixelgrad.vis.dataset.Patches;
import io.pixelgrad.vis.dataset.TopSheet;
import io.pixelgrad.vis.dataset.TopUnits;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.zoo.data.Batch;
import io.pixelgrad.zoo.data.Batches;
import io.pixelgrad.zoo.data.Dataset;
import io.pixelgrad.zoo.models.LayerGeometry;
import io.pixelgrad.zoo.models.LayerGeometry.ReceptiveField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code pixelgrad top}: each unit's top-k images of a data set and the patches its receptive field sees in them. */
@Command(name = "top", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run a model over a data set and show, per channel of a layer, the k images that excite it most and "
                + "the patch of each that the channel's unit sees: its receptive field at the strongest position, "
                + "clipped at the image border.",
            "--deconv adds each patch's deconvnet projection. Writes top_LAYER.png per layer and top.json (per "
                + "channel: image, class, value, position, patch box). Memory does not grow with the data set: one "
                + "top-k heap per channel. Folder images are brought to the model's input size unless --size is given."},
        footer = {"", "Example:",
            "  pixelgrad top --dataset fashion-mnist --data /usr/share/datasets/fashion-mnist --layer features.8 --k 9 --out top/"})
public final class TopCommand extends DatasetViewCommand {

    @Option(names = {"-l", "--layer"}, paramLabel = "NAME", split = ",",
            description = "Layer(s) by module name, comma-separated (see `pixelgrad layers`). Default: every convolution.")
    List<String> layer;

    @Option(names = "--channels", paramLabel = "LIST",
            description = "Channels to draw: 0-15, 3,7,9 or a mix (default: all). top.json always lists every channel.")
    String channels;

    @Option(names = {"-k", "--k"}, paramLabel = "K", defaultValue = "9", description = "Images per channel (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--deconv", description = "Add each patch's deconvnet projection (one backward pass per patch drawn).")
    boolean deconv;

    @Mixin
    OutOption out;

    @Override
    protected int run() throws Exception {
        if (!out.given()) throw usage("--out DIR is required: where top writes its pictures and top.json");
        if (k < 1) throw usage("--k must be at least 1, not " + k);
        Loaded l = load();
        Dataset d = l.dataset();
        if (k > d.size()) throw usage("--k " + k + " is more than the " + d.size() + " images of the data set");
        List<String> layers = layers(l.net(), l.inputShape(), layer, DatasetViewCommand::isConv);
        if (layers.isEmpty()) throw usage(l.net().architecture() + " has no convolution; name layers with --layer");
        Map<String, List<Integer>> drawn = new LinkedHashMap<>();
        for (String name : layers)
            drawn.put(name, channelList((int) LayerGeometry.layer(l.net(), l.inputShape(), name).outputShape()[1]));
        DatasetPass.Result result = run(DatasetPass.of(l.net(), batches(l, layers)).topK(k, layers), d);

        Map<String, Object> json = facts("top", l);
        json.put("k", k);
        json.put("ranking", "per channel, each image's largest activation (first position on ties); images by value, then by index");
        Map<String, Object> perLayer = new LinkedHashMap<>();
        Batches single = deconv ? Batches.of(d, l.normalization()).batchSize(1).dataType(dtype.dataType).build() : null;
        int tile = Math.max(d.height(), d.width()) <= 32 ? 2 * Math.max(d.height(), d.width()) : 64;
        // each sheet is staged as soon as it is drawn (a VGG layer's sheet is large); nothing reaches --out before the end
        try (Outputs o = new Outputs(out.out)) {
            for (String name : layers) {
                TopUnits top = result.top(name);
                LayerGeometry.Layer geometry = LayerGeometry.layer(l.net(), l.inputShape(), name);
                ReceptiveField rf = geometry.receptiveField();
                perLayer.put(name, layerJson(top, geometry, d));
                boolean spatial = geometry.outputShape().length == 4;
                TopSheet.Projection projection = !deconv ? null : (c, hit) -> {
                    try (Batch one = single.batch(hit.image())) {
                        return Patches.deconv(l.net(), one.images(), name, c, hit, rf, spatial);
                    }
                };
                o.png("top_" + name + ".png", TopSheet.draw(top, drawn.get(name), i -> Render.picture(d.rgbImage(i)), rf, tile, projection));
                out().println(summary(top, d));
            }
            json.put("layers", perLayer);
            o.json("top.json", json);
            report(o.commit());
        }
        out().flush();
        return 0;
    }

    private List<Integer> channelList(int count) {
        List<Integer> out = new ArrayList<>();
        if (channels == null) {
            for (int c = 0; c < count; c++) out.add(c);
            return out;
        }
        for (String part : channels.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            try {
                int dash = p.indexOf('-', 1);
                int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).strip());
                int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).strip());
                if (from < 0 || to < from) throw usage("--channels: '" + p + "' is not a channel or a range a-b");
                if (to >= count) throw usage("--channels: channel " + to + " out of range: the layer has " + count + " channels (0.." + (count - 1) + ")");
                for (int c = from; c <= to; c++) if (!out.contains(c)) out.add(c);
            } catch (NumberFormatException e) {
                throw usage("--channels: '" + p + "' is not a channel or a range a-b");
            }
        }
        if (out.isEmpty()) throw usage("--channels names no channel");
        return out;
    }

    private static Map<String, Object> layerJson(TopUnits top, LayerGeometry.Layer geometry, Dataset d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("output_shape", geometry.outputShape());
        ReceptiveField rf = geometry.receptiveField();
        Map<String, Object> field = new LinkedHashMap<>();
        field.put("extent", rf.extent().name().toLowerCase(Locale.ROOT));
        if (rf.extent() == LayerGeometry.Extent.LOCAL) {
            field.put("size", new long[]{rf.rows().size(), rf.cols().size()});
            field.put("jump", new long[]{rf.rows().jump(), rf.cols().jump()});
            field.put("start", new double[]{rf.rows().start(), rf.cols().start()});
        }
        m.put("receptive_field", field);
        List<Object> chans = new ArrayList<>();
        for (int c = 0; c < top.channels(); c++) {
            List<Object> hits = new ArrayList<>();
            for (Hit h : top.top(c)) {
                LayerGeometry.Box b = rf.box(h.y(), h.x(), d.height(), d.width());
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("image", h.image());
                e.put("label", d.label(h.image()));
                e.put("class", d.classes().get(d.label(h.image())));
                e.put("value", h.value());
                e.put("y", h.y());
                e.put("x", h.x());
                e.put("box", new int[]{b.top(), b.left(), b.bottom(), b.right()});
                hits.add(e);
            }
            Map<String, Object> ch = new LinkedHashMap<>();
            ch.put("channel", c);
            ch.put("top", hits);
            chans.add(ch);
        }
        m.put("channels", chans);
        return m;
    }

    private static String summary(TopUnits top, Dataset d) {
        int best = -1;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < top.channels(); c++) {
            List<Hit> h = top.top(c);
            if (!h.isEmpty() && h.get(0).value() > bestValue) {
                bestValue = h.get(0).value();
                best = c;
            }
        }
        String strongest = best < 0 ? "" : String.format(Locale.ROOT, "; strongest: channel %d, %.4g on image %d (%s)", best, bestValue,
                top.top(best).get(0).image(), d.classes().get(d.label(top.top(best).get(0).image())));
        return top.layer() + ": " + top.channels() + " channels x top " + top.k() + " of " + d.size() + " images" + strongest;
    }
}
