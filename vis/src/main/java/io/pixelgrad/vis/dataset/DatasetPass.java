package io.pixelgrad.vis.dataset;

import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Dropout;
import io.pixelgrad.autograd.nn.Linear;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.engine.Parallel;
import io.pixelgrad.vis.ProgressListener;
import io.pixelgrad.zoo.data.Batch;
import io.pixelgrad.zoo.data.Batches;
import io.pixelgrad.zoo.models.Classifier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One pass of a model over a data set, batch by batch, keeping only what the views need, in memory that does not grow
 * with the set: per unit of the chosen layers a top-k heap ({@link TopUnits}) and activity counts ({@link UnitStats});
 * and each image's penultimate features (or its input) handed to a sink as they are computed (a {@link FeatureStore},
 * a {@link Neighbors} search). The network runs only as far as the deepest layer asked for, and each activation is
 * freed as soon as the next layer has consumed it unless a view reads it.
 *
 * <p>Results depend only on the data, the model, the batch size and the thread count of ND4J's kernels: the
 * bookkeeping is exact (no sampling) and its ties are broken by image index, then position.
 */
public final class DatasetPass {

    /** Receives one row per image, in data-set order. */
    @FunctionalInterface
    public interface RowSink {
        /** Row of image {@code image} (do not keep the array: it is reused). */
        void accept(int image, double[] row);
    }

    private final Classifier model;
    private final Batches batches;
    private final Map<String, Integer> topLayers;
    private final Set<String> statLayers;
    private final RowSink featureSink, inputSink;
    private final ProgressListener progress;

    private DatasetPass(Builder b) {
        this.model = b.model;
        this.batches = b.batches;
        this.topLayers = new LinkedHashMap<>(b.topLayers);
        this.statLayers = new LinkedHashSet<>(b.statLayers);
        this.featureSink = b.featureSink;
        this.inputSink = b.inputSink;
        this.progress = b.progress;
    }

    /** Starts a pass of the model (in inference mode) over the batches (in data-set order, unshuffled). */
    public static Builder of(Classifier model, Batches batches) {
        return new Builder(model, batches);
    }

    /**
     * The layer whose output feeds the model's last fully connected layer (dropouts skipped): the penultimate
     * features, e.g. "classifier.2" of smallvgg (128 values), "classifier.4" of VGG16 (4096). When the last fully
     * connected layer is the classifier's first, the flattened output of the layer before the classifier.
     */
    public static String penultimate(Classifier model) {
        List<Module> head = model.classifier().layers();
        int last = -1;
        for (int i = 0; i < head.size(); i++) if (head.get(i) instanceof Linear) last = i;
        if (last < 0) throw new IllegalArgumentException(model.architecture() + " has no fully connected layer");
        for (int i = last - 1; i >= 0; i--) if (!(head.get(i) instanceof Dropout)) return head.get(i).name();
        if (model.avgpool() != null) return model.avgpool().name();
        List<Module> body = model.features().layers();
        return body.get(body.size() - 1).name();
    }

    /** What the pass kept. */
    public static final class Result {
        private final int images;
        private final Map<String, TopUnits> top;
        private final Map<String, UnitStats> stats;

        private Result(int images, Map<String, TopUnits> top, Map<String, UnitStats> stats) {
            this.images = images;
            this.top = top;
            this.stats = stats;
        }

        /** Images seen. */
        public int images() {
            return images;
        }

        /** The top-k of a layer asked for with {@link Builder#topK}. */
        public TopUnits top(String layer) {
            TopUnits t = top.get(layer);
            if (t == null) throw new IllegalArgumentException("no top-k was kept for layer " + layer);
            return t;
        }

        /** The activity of a layer asked for with {@link Builder#unitStats}. */
        public UnitStats stats(String layer) {
            UnitStats s = stats.get(layer);
            if (s == null) throw new IllegalArgumentException("no unit statistics were kept for layer " + layer);
            return s;
        }
    }

    /** Runs the pass. */
    public Result run() {
        if (model.isTraining()) throw new IllegalStateException("the data-set pass needs the model in inference mode (eval())");
        Set<String> watched = new LinkedHashSet<>(topLayers.keySet());
        watched.addAll(statLayers);
        String featureLayer = featureSink != null ? penultimate(model) : null;
        if (featureLayer != null) watched.add(featureLayer);
        for (String l : watched) io.pixelgrad.vis.Passes.requireLayer(model, l);
        List<String> order = new ArrayList<>(model.modules().keySet());
        String deepest = null;
        for (String l : watched) if (deepest == null || order.indexOf(l) > order.indexOf(deepest)) deepest = l;

        Map<String, TopUnits> top = new LinkedHashMap<>();
        Map<String, UnitStats> stats = new LinkedHashMap<>();
        int total = batches.dataset().size(), seen = 0;
        for (int b = 0; b < batches.count(); b++) {
            try (Batch batch = batches.batch(b); Tape tape = new Tape()) {
                tape.watch(watched.toArray(new String[0]));
                if (inputSink != null) rows(batch.images(), batch.indices(), inputSink);
                if (deepest != null) forwardTo(tape.constant(batch.images()), deepest);
                for (String l : watched) {
                    try (ActivationBuffer a = new ActivationBuffer(tape.output(l).value())) {
                        TopUnits t = topLayers.containsKey(l)
                                ? top.computeIfAbsent(l, k -> new TopUnits(l, topLayers.get(l), a.c, a.h, a.w)) : null;
                        UnitStats s = statLayers.contains(l) ? stats.computeIfAbsent(l, k -> new UnitStats(l, a.c)) : null;
                        if (t != null || s != null) perUnit(a, batch.indices(), t, s);
                        if (l.equals(featureLayer)) rows(a, batch.indices(), featureSink);
                    }
                }
                seen += batch.size();
            }
            progress.progress(seen, total);
        }
        return new Result(seen, top, stats);
    }

    /** The network up to (and including) the named layer, freeing activations nobody watches as it goes. */
    private void forwardTo(Tensor x, String layer) {
        Tape tape = x.tape();
        Tensor y = x;
        for (Module m : model.features().layers()) {
            y = step(m, y);
            if (tape.hasOutput(layer)) return;
        }
        if (model.avgpool() != null) {
            y = step(model.avgpool(), y);
            if (tape.hasOutput(layer)) return;
        }
        Tensor flat = F.flatten(y);
        if (y != x) tape.releaseConsumed(y, flat);
        y = flat;
        for (Module m : model.classifier().layers()) {
            y = step(m, y);
            if (tape.hasOutput(layer)) return;
        }
    }

    private static Tensor step(Module m, Tensor y) {
        Tensor next = m.forward(y);
        if (y.tape() != null && y.value() != next.value()) y.tape().releaseConsumed(y, next);
        return next;
    }

    /**
     * Per channel (channels in parallel: each owns its heap and counts, so the result does not depend on the
     * threads), every image of the batch in order: its strongest response (first position on ties) offered to the
     * heap, its activations added to the counts.
     */
    private static void perUnit(ActivationBuffer a, int[] indices, TopUnits top, UnitStats stats) {
        int plane = a.plane();
        Parallel.forEach(a.c, c -> {
            double[] v = new double[plane];
            for (int i = 0; i < a.n; i++) {
                a.plane(i, c, v);
                if (top != null) {
                    int best = -1;
                    for (int p = 0; p < plane; p++) if (!Double.isNaN(v[p]) && (best < 0 || v[p] > v[best])) best = p;
                    if (best >= 0) top.offer(c, v[best], indices[i], best);
                }
                if (stats != null) stats.add(c, v, plane);
            }
        });
    }

    private static void rows(ActivationBuffer a, int[] indices, RowSink sink) {
        double[] row = new double[a.c * a.plane()];
        for (int i = 0; i < a.n; i++) {
            a.flat(i, row, 0);
            sink.accept(indices[i], row);
        }
    }

    private static void rows(org.nd4j.linalg.api.ndarray.INDArray images, int[] indices, RowSink sink) {
        try (ActivationBuffer a = new ActivationBuffer(images)) {
            rows(a, indices, sink);
        }
    }

    /** Options of a {@link DatasetPass}. */
    public static final class Builder {
        private final Classifier model;
        private final Batches batches;
        private final Map<String, Integer> topLayers = new LinkedHashMap<>();
        private final Set<String> statLayers = new LinkedHashSet<>();
        private RowSink featureSink, inputSink;
        private ProgressListener progress = ProgressListener.NONE;

        private Builder(Classifier model, Batches batches) {
            this.model = model;
            this.batches = batches;
        }

        /** Keeps each channel's top k images of these layers. */
        public Builder topK(int k, List<String> layers) {
            if (k < 1) throw new IllegalArgumentException("k must be at least 1, not " + k);
            for (String l : layers) topLayers.put(l, k);
            return this;
        }

        /** Counts each unit's activity in these layers (dead and always-on units). */
        public Builder unitStats(List<String> layers) {
            statLayers.addAll(layers);
            return this;
        }

        /** Hands each image's penultimate features ({@link #penultimate}) to the sink. */
        public Builder features(RowSink sink) {
            this.featureSink = sink;
            return this;
        }

        /** Hands each image's network input (normalized, [C, H, W] flattened) to the sink. */
        public Builder inputs(RowSink sink) {
            this.inputSink = sink;
            return this;
        }

        /** Told after every batch: images done out of the set's size. */
        public Builder progress(ProgressListener progress) {
            this.progress = progress;
            return this;
        }

        /** The pass, ready to run. */
        public DatasetPass build() {
            return new DatasetPass(this);
        }
    }
}
