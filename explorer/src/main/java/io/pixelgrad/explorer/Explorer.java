package io.pixelgrad.explorer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.engine.Arrays;
import io.pixelgrad.vis.ActivationMaps;
import io.pixelgrad.vis.Attribution;
import io.pixelgrad.vis.Deconvnet;
import io.pixelgrad.vis.Explainer;
import io.pixelgrad.vis.Filters;
import io.pixelgrad.vis.GradientTrace;
import io.pixelgrad.vis.GuidedBackprop;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.vis.ProgressListener;
import io.pixelgrad.vis.RecordedForward;
import io.pixelgrad.vis.RuleGradient;
import io.pixelgrad.vis.Target;
import io.pixelgrad.vis.render.Colormap;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The explorer's views, computed with the vis API and answered as JSON: the model and its layers, the overview of
 * every layer's activations, the class scores, one unit (activation map, deconvnet and guided projections, filter),
 * an attribution method for a class, and the gradient trace. Knows nothing of HTTP: {@link ExplorerServer} calls it on
 * its work lanes and caches what it returns.
 */
final class Explorer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelSource source;
    private final Classifier model;
    private final FeatureVisualizer visualizer;
    private final int thumbSide;
    private final Map<String, LayerActivations.Layer> layers = new LinkedHashMap<>();
    private final Methods methods;
    private final int[] inputShape;
    private final Result firstOverview;
    /** The last images' recorded forward passes, most recently used last: clicks on an image run only backward passes. */
    private final LinkedHashMap<String, RecordedForward> recordings = new LinkedHashMap<>(4, 0.75f, true);
    private static final int RECORDINGS_KEPT = 2;

    /**
     * Views of the source's model. Runs one forward pass on the first sample to learn every layer's output shape (and
     * to warm up the native libraries, so the first page opens fast).
     */
    Explorer(ModelSource source, ExplorerConfig config, FeatureVisualizer visualizer, PreparedImage first) {
        this.source = source;
        this.model = source.model();
        this.visualizer = visualizer;
        this.thumbSide = config.thumbSide();
        long t0 = System.nanoTime();
        List<LayerActivations.Layer> ls = activations(first);
        for (LayerActivations.Layer l : ls) layers.put(l.name(), l);
        this.firstOverview = overview(first, ls, t0);
        this.inputShape = new int[]{first.channels(), first.height(), first.width()};
        List<String> mapLayers = new ArrayList<>();
        layers.values().forEach(l -> {
            if (l.maps()) mapLayers.add(l.name());
        });
        this.methods = new Methods(model, first.height(), first.width(), mapLayers, config.maxOcclusionPositions());
    }

    /** The attribution methods offered. */
    Methods methods() {
        return methods;
    }

    /** Whether feature visualization is plugged in. */
    boolean canVisualize() {
        return visualizer != null;
    }

    /** The model, its layers, the methods and their parameters, the samples: everything the page needs to lay itself out. */
    Map<String, Object> modelInfo(List<Map<String, String>> samples, ExplorerConfig config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", model.architecture());
        m.put("label", source.label());
        m.put("classes", model.numClasses());
        m.put("dtype", model.dataType() == DataType.DOUBLE ? "float64" : "float32");
        m.put("input", inputShape);
        List<Map<String, Object>> ls = new ArrayList<>();
        for (LayerActivations.Layer l : layers.values())
            ls.add(ordered("name", l.name(), "description", l.description(), "kind", l.maps() ? "maps" : "vector", "shape", l.shape()));
        m.put("layers", ls);
        List<Map<String, Object>> ms = new ArrayList<>();
        for (Methods.Method me : methods.all()) {
            List<Map<String, Object>> ps = new ArrayList<>();
            for (Methods.Param p : me.params())
                ps.add(ordered("name", p.name(), "label", p.label(), "type", p.type(), "min", p.min(), "max", p.max(),
                        "initial", p.initial(), "choices", p.choices(), "help", p.help()));
            ms.add(ordered("name", me.name(), "title", me.title(), "about", me.about(), "slow", me.slow(), "params", ps));
        }
        m.put("methods", ms);
        m.put("colormaps", List.of("jet", "hot", "viridish", "grey"));
        m.put("samples", samples);
        m.put("synthesis", canVisualize());
        m.put("limits", ordered("uploadBytes", config.maxUploadBytes(), "pixels", config.maxPixels(), "side", config.maxSide()));
        return m;
    }

    /** The overview of the first sample, computed when the views were made. */
    Result firstOverview() {
        return firstOverview;
    }

    /** Every layer's activation thumbnails for one image (the overview), plus the picture itself. */
    Result overview(PreparedImage img) {
        long t0 = System.nanoTime();
        return overview(img, activations(img), t0);
    }

    private List<LayerActivations.Layer> activations(PreparedImage img) {
        return onRecording(img, r -> LayerActivations.of(r, thumbSide));
    }

    /**
     * Runs work on the image's recorded forward pass, recording it first when it is not kept (the overview usually
     * has). One recording serves one caller at a time; one closed by eviction meanwhile is recorded again.
     */
    private <T> T onRecording(PreparedImage img, RecordedForward.Use<T> work) {
        while (true) {
            RecordedForward r = recording(img);
            try {
                return r.use(work);
            } catch (IllegalStateException e) {
                if (!r.isClosed()) throw e;
            }
        }
    }

    private RecordedForward recording(PreparedImage img) {
        synchronized (recordings) {
            RecordedForward r = recordings.get(img.id());
            if (r != null && !r.isClosed()) return r;
        }
        INDArray x = img.array(model.dataType());
        RecordedForward made;
        try {
            made = RecordedForward.of(model, x);
        } finally {
            Arrays.release(x);
        }
        List<RecordedForward> evicted = new ArrayList<>();
        RecordedForward kept;
        synchronized (recordings) {
            RecordedForward other = recordings.get(img.id());
            if (other != null && !other.isClosed()) {
                evicted.add(made);   // another request recorded it meanwhile
                kept = other;
            } else {
                recordings.put(img.id(), made);
                kept = made;
                var it = recordings.entrySet().iterator();
                while (recordings.size() > RECORDINGS_KEPT && it.hasNext()) {
                    evicted.add(it.next().getValue());
                    it.remove();
                }
            }
        }
        evicted.forEach(RecordedForward::close);   // outside the lock: closing waits for a use in progress
        return kept;
    }

    /** Frees the kept recordings. */
    void close() {
        List<RecordedForward> all;
        synchronized (recordings) {
            all = new ArrayList<>(recordings.values());
            recordings.clear();
        }
        all.forEach(RecordedForward::close);
    }

    private Result overview(PreparedImage img, List<LayerActivations.Layer> ls, long t0) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (LayerActivations.Layer l : ls)
            out.add(ordered("name", l.name(), "description", l.description(), "kind", l.maps() ? "maps" : "vector",
                    "shape", l.shape(), "thumb", new int[]{l.thumbH(), l.thumbW()}, "signed", l.signed(),
                    "scales", l.scales(), "max", l.max(), "data", l.data()));
        return Result.of(json(ordered("image", describe(img, true), "layers", out, "ms", ms(t0))));
    }

    /** The class scores of one image: every class's logit and softmax probability, the top ones first (at most top). */
    Result scores(PreparedImage img, int top) {
        long t0 = System.nanoTime();
        INDArray x = img.array(model.dataType());
        double[] logits;
        try {
            logits = Passes.valuesAndRelease(Passes.logits(model, x));
        } finally {
            Arrays.release(x);
        }
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double l : logits) max = Math.max(max, l);
        for (double l : logits) sum += Math.exp(l - max);
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        // stable sort: equal logits keep index order, so the first is argmax's choice
        java.util.Arrays.sort(order, (a, b) -> Double.compare(logits[b], logits[a]));
        List<Map<String, Object>> list = new ArrayList<>();
        for (int r = 0; r < Math.min(top, order.length); r++) {
            int i = order[r];
            list.add(ordered("index", i, "name", source.className(i), "logit", logits[i], "probability", Math.exp(logits[i] - max) / sum));
        }
        return Result.of(json(ordered("image", img.id(), "classes", logits.length, "top", order[0], "scores", list, "ms", ms(t0))));
    }

    /** The layer of this name among the overview's layers; 400 otherwise. */
    LayerActivations.Layer layer(String name) {
        LayerActivations.Layer l = name == null ? null : layers.get(name);
        if (l == null) throw new ApiException(400, "no layer '" + ImageStore.clip(String.valueOf(name)) + "'; layers: " + String.join(", ", layers.keySet()));
        return l;
    }

    /**
     * One unit of one image: its activation map (feature-map layers), where it is strongest, the deconvnet and guided
     * projections of that strongest activation to the pixels, and its filter (convolutions).
     */
    Result unit(PreparedImage img, String layerName, int channel) {
        long t0 = System.nanoTime();
        LayerActivations.Layer l = layer(layerName);
        int channels = l.shape()[0];
        if (channel < 0 || channel >= channels)
            throw new ApiException(400, "unit " + channel + " out of range: layer " + l.name() + " has " + channels + " (0.." + (channels - 1) + ")");
        Map<String, Object> u = ordered("image", img.id(), "layer", l.name(), "description", l.description(), "kind",
                l.maps() ? "maps" : "vector", "channel", channel, "shape", l.shape());
        INDArray x = img.array(model.dataType());
        try {
            if (l.maps()) {
                ActivationMaps a = ActivationMaps.of(model, x, l.name());
                int h = a.shape()[1], w = a.shape()[2], plane = h * w;
                float[] map = Passes.floats(java.util.Arrays.copyOfRange(a.values(), channel * plane, (channel + 1) * plane));
                double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY, sum = 0;
                int positive = 0;
                for (float f : map) {
                    max = Math.max(max, f);
                    min = Math.min(min, f);
                    sum += f;
                    if (f > 0) positive++;
                }
                u.put("stats", ordered("max", max, "min", min, "mean", sum / plane, "active", (double) positive / plane));
                u.put("activation", Pictures.dataUrl(Pictures.atLeast(Pictures.activation(map, h, w, l.signed()), 160)));
            }
            Map<String, Object> projections = new LinkedHashMap<>();
            for (RuleGradient rule : List.of(new Deconvnet(model), new GuidedBackprop(model))) {
                Attribution p = rule.project(x, new Target.Feature(l.name(), channel, null, null));
                Map<String, Object> pj = new LinkedHashMap<>(p.parameters());
                double activation = ((Number) p.parameters().get("activation")).doubleValue();
                pj.put("silent", !(activation > 0));
                pj.put("gradient", Pictures.dataUrl(Pictures.gradient(p)));
                pj.put("heatmap", Pictures.dataUrl(p.heatmap(Colormap.JET)));
                projections.put(rule instanceof Deconvnet ? "deconv" : "guided", pj);
            }
            u.put("projections", projections);
        } finally {
            Arrays.release(x);
        }
        Module m = model.modules().get(l.name());
        if (m instanceof Conv2d) u.put("filter", filter(l.name(), channel));
        u.put("synthesis", canVisualize());
        u.put("ms", ms(t0));
        return Result.of(json(u));
    }

    /** One filter of a conv layer: colour when it reads the RGB input, else one grey tile per input channel (at most 64). */
    private Map<String, Object> filter(String layerName, int channel) {
        Filters f = Filters.of(model, layerName);
        int[] s = f.shape();
        int in = s[1], kh = s[2], kw = s[3], size = in * kh * kw;
        double[] w = java.util.Arrays.copyOfRange(f.weights(), channel * size, (channel + 1) * size);
        int scale = Math.max(1, 24 / Math.max(kh, kw));
        BufferedImage picture;
        int shown;
        if (f.isRgb() && inputShape[0] == 3) {
            picture = Render.enlarge(Render.rgbScaled(Passes.floats(w), kh, kw), scale * 2);
            shown = in;
        } else {
            shown = Math.min(in, 64);
            List<BufferedImage> tiles = new ArrayList<>();
            for (int c = 0; c < shown; c++) {
                float[] k = Passes.floats(java.util.Arrays.copyOfRange(w, c * kh * kw, (c + 1) * kh * kw));
                double top = 0;
                for (float v : k) top = Math.max(top, Math.abs(v));
                tiles.add(Render.enlarge(Pictures.signed(k, kh, kw, top, false), scale));
            }
            picture = Render.grid(tiles, Math.min(shown, 16), 1);
        }
        double bias = 0;
        Module m = model.modules().get(layerName);
        if (m instanceof Conv2d c && c.bias() != null) bias = c.bias().value().getDouble(channel);
        return ordered("shape", new int[]{in, kh, kw}, "shown", shown, "colour", f.isRgb() && inputShape[0] == 3,
                "smoothness", f.smoothness()[channel], "bias", bias, "picture", Pictures.dataUrl(picture));
    }

    /** An attribution method for a class (null: the top class), drawn as the command line draws it. */
    Result attribution(PreparedImage img, Methods.Method method, Map<String, Object> params, Integer cls, Colormap colormap,
                       ProgressListener progress) {
        long t0 = System.nanoTime();
        if (cls != null && (cls < 0 || cls >= model.numClasses()))
            throw new ApiException(400, "class " + cls + " out of range: the model has " + model.numClasses() + " classes");
        Target target = cls == null ? Target.topClass() : Target.classIndex(cls);
        Explainer explainer = methods.create(method, params, progress);
        Attribution a;
        if (explainer instanceof RuleGradient rule) {
            // saliency, guided, deconvnet: the image's forward pass is already recorded, only the backward pass runs
            a = onRecording(img, r -> rule.attribute(r, target));
        } else {
            INDArray x = img.array(model.dataType());
            try {
                a = explainer.attribute(x, target);
            } finally {
                Arrays.release(x);
            }
        }
        Map<String, String> images = Pictures.attribution(a, img.picture(), colormap);
        Map<String, Object> r = ordered("image", img.id(), "method", method.name(), "title", method.title(),
                "class", a.targetClass(), "className", source.className(a.targetClass()), "layer", a.layer(),
                "parameters", a.parameters(), "colormap", colormap.name().toLowerCase(Locale.ROOT), "rawShape", a.shape(),
                "images", images, "ms", ms(t0));
        int[] s = a.shape();
        long[] shape = new long[s.length];
        for (int i = 0; i < s.length; i++) shape[i] = s[i];
        return new Result(json(r), a.raw(), shape, a.dataType());
    }

    /**
     * The gradient trace for a class (null: top): per layer, from the class score down to the pixels, the norm of the
     * gradient arriving under each ReLU rule, the share of ReLUs passing it, and the fragile float32 decisions.
     */
    Result trace(PreparedImage img, Integer cls) {
        long t0 = System.nanoTime();
        if (cls != null && (cls < 0 || cls >= model.numClasses()))
            throw new ApiException(400, "class " + cls + " out of range: the model has " + model.numClasses() + " classes");
        INDArray x = img.array(model.dataType());
        GradientTrace.Result t;
        try {
            t = new GradientTrace(model).trace(x, cls == null ? Target.topClass() : Target.classIndex(cls));
        } finally {
            Arrays.release(x);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (GradientTrace.Row row : t.rows()) {
            String kind = row.description().startsWith("ReLU") ? "relu" : row.description().startsWith("MaxPool") ? "pool"
                    : row.layer().equals("input") ? "input" : "other";
            rows.add(ordered("layer", row.layer(), "description", row.description(), "kind", kind,
                    "norm", finite(row.norm()), "passing", finite(row.passing()), "fragile", row.fragile()));
        }
        return Result.of(json(ordered("image", img.id(), "class", t.targetClass(), "className", source.className(t.targetClass()),
                "rules", List.of("standard", "guided", "deconvnet"), "rows", rows,
                "fragile", ordered("reluNearZero", t.fragile().reluNearZero(), "poolNearTies", t.fragile().poolNearTies(),
                        "tolerance", t.fragile().tolerance()), "ms", ms(t0))));
    }

    /** Feature visualization of a unit through the plugged-in visualizer (see {@link FeatureVisualizer}). */
    Result synthesis(String layerName, int channel, ProgressListener progress) {
        if (visualizer == null) throw new ApiException(501, "feature visualization is not available on this server (no visualizer was given)");
        long t0 = System.nanoTime();
        LayerActivations.Layer l = layer(layerName);
        if (channel < 0 || channel >= l.shape()[0])
            throw new ApiException(400, "unit " + channel + " out of range: layer " + l.name() + " has " + l.shape()[0]);
        BufferedImage picture = visualizer.visualize(model, l.name(), channel, progress);
        return Result.of(json(ordered("layer", l.name(), "channel", channel, "settings", visualizer.describe(),
                "picture", Pictures.dataUrl(picture), "ms", ms(t0))));
    }

    /** An image's id, title, size and (optionally) picture. */
    static Map<String, Object> describe(PreparedImage img, boolean withPicture) {
        Map<String, Object> m = ordered("id", img.id(), "title", img.title(), "channels", img.channels(), "height", img.height(),
                "width", img.width());
        if (withPicture) m.put("picture", Pictures.dataUrl(img.picture()));
        return m;
    }

    private static List<Double> finite(double[] v) {
        List<Double> l = new ArrayList<>();
        for (double d : v) l.add(Double.isNaN(d) || Double.isInfinite(d) ? null : d);
        return l;
    }

    private static double ms(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e5) / 10.0;
    }

    /** A map keeping its keys in the order given (key, value, key, value, ...). */
    static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** UTF-8 JSON of a value. */
    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
