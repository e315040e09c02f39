package io.pixelgrad.vis.dataset;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * The k images of a data set nearest to a query, found in one streaming pass (a bounded heap per measure, so memory
 * does not grow with the set): in the penultimate features by Euclidean distance and by cosine distance
 * 1 - a.b / (|a| |b|) (1 when either vector is zero), and in pixel space by the Euclidean distance between the network
 * inputs. Equal distances go to the smaller image index.
 */
public final class Neighbors {

    /** The three ways of measuring nearness. */
    public enum Measure {
        /** Euclidean distance of the penultimate features. */
        FEATURES_L2("features, L2"),
        /** Cosine distance of the penultimate features. */
        FEATURES_COSINE("features, cosine"),
        /** Euclidean distance of the network inputs (pixels, normalized as the network sees them). */
        PIXELS_L2("pixels, L2");

        private final String label;

        Measure(String label) {
            this.label = label;
        }

        /** A short caption, e.g. "features, cosine". */
        public String label() {
            return label;
        }
    }

    /** One neighbour: an image of the set and its distance to the query. */
    public record Neighbor(int image, double distance) {
    }

    private final double[] queryFeatures, queryInput;
    private final double queryNorm;
    private final TopKHeap[] heaps = new TopKHeap[Measure.values().length];

    /** A search for the k nearest to a query given by its features and its network input (flattened). */
    public Neighbors(double[] queryFeatures, double[] queryInput, int k) {
        this.queryFeatures = queryFeatures.clone();
        this.queryInput = queryInput.clone();
        this.queryNorm = norm(queryFeatures);
        for (int m = 0; m < heaps.length; m++) heaps[m] = new TopKHeap(k);
    }

    /** The penultimate features of one input [1, C, H, W] (or [C, H, W]), flattened: what the pass compares. */
    public static double[] features(Classifier model, INDArray input) {
        return features(model, Passes.asBatchOfOne(model, input), 0);
    }

    /**
     * The penultimate features of image i of a batch [N, C, H, W]. A query taken from the data set is best computed in
     * its own batch of the pass: float32 results can differ in the last bits with the batch size.
     */
    public static double[] features(Classifier model, INDArray batch, int i) {
        String layer = DatasetPass.penultimate(model);
        try (Tape tape = new Tape()) {
            tape.watch(layer);
            Tensor out = model.forwardTo(tape.constant(batch), layer);
            try (ActivationBuffer a = new ActivationBuffer(out.value())) {
                double[] row = new double[a.c * a.plane()];
                a.flat(i, row, 0);
                return row;
            }
        }
    }

    /** Where the pass hands each image's penultimate features. */
    public DatasetPass.RowSink featureSink() {
        return (image, row) -> {
            if (row.length != queryFeatures.length)
                throw new IllegalArgumentException("the query has " + queryFeatures.length + " features, image " + image + " " + row.length);
            double l2 = 0, dot = 0;
            for (int j = 0; j < row.length; j++) {
                double d = row[j] - queryFeatures[j];
                l2 += d * d;
                dot += row[j] * queryFeatures[j];
            }
            double n = norm(row);
            double cosine = n > 0 && queryNorm > 0 ? 1 - dot / (n * queryNorm) : 1;
            heaps[Measure.FEATURES_L2.ordinal()].offer(-Math.sqrt(l2), image, 0);
            heaps[Measure.FEATURES_COSINE.ordinal()].offer(-cosine, image, 0);
        };
    }

    /** Where the pass hands each image's network input. */
    public DatasetPass.RowSink inputSink() {
        return (image, row) -> {
            if (row.length != queryInput.length)
                throw new IllegalArgumentException("the query input has " + queryInput.length + " values, image " + image + " " + row.length);
            double l2 = 0;
            for (int j = 0; j < row.length; j++) {
                double d = row[j] - queryInput[j];
                l2 += d * d;
            }
            heaps[Measure.PIXELS_L2.ordinal()].offer(-Math.sqrt(l2), image, 0);
        };
    }

    /** The nearest images by a measure, nearest first. */
    public List<Neighbor> nearest(Measure m) {
        List<Neighbor> out = new ArrayList<>();
        for (Hit h : heaps[m.ordinal()].sorted(1)) out.add(new Neighbor(h.image(), -h.value()));
        return out;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double t : v) s += t * t;
        return Math.sqrt(s);
    }
}
