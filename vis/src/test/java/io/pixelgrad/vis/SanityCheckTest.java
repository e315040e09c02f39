package io.pixelgrad.vis;

import io.pixelgrad.autograd.nn.Init;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model-randomization sanity check of Adebayo et al. (2018): re-initialize the classifier's layers one by one from
 * the top (cascading) and compare each explanation with the original by Spearman rank correlation. A method that
 * explains the model must change when the model does: the vanilla gradient does, strongly; guided backprop barely
 * does, because its positive-only backward pass mostly reconstructs the image (the paper's finding).
 */
class SanityCheckTest {

    @Test
    void cascadingRandomizationChangesTheGradientStronglyAndGuidedBackpropMuchLess() throws Exception {
        Reference r = Reference.load("alexnet_16", org.nd4j.linalg.api.buffer.DataType.FLOAT);
        INDArray x = picture(127);
        int cls = r.manifest.get("class").asInt();
        float[] saliency0 = map(new Saliency(r.model), x, cls), guided0 = map(new GuidedBackprop(r.model), x, cls);
        double rhoSaliency = 1, rhoGuided = 1;
        long seed = 100;
        for (String layer : List.of("classifier.6", "classifier.4", "classifier.1")) {
            Init.randomize(r.model.modules().get(layer), seed++);
            rhoSaliency = spearman(saliency0, map(new Saliency(r.model), x, cls));
            rhoGuided = spearman(guided0, map(new GuidedBackprop(r.model), x, cls));
            assertTrue(rhoGuided > rhoSaliency, "at every step of the cascade guided backprop changes less");
            System.out.printf("sanity check after re-initializing down to %s: Spearman saliency %.3f, guided %.3f%n",
                    layer, rhoSaliency, rhoGuided);
        }
        // measured on this network: saliency falls to about 0.5-0.6 (its |G| map keeps some structure from the input-
        // dependent ReLU masks below), guided backprop stays above 0.95
        assertTrue(rhoSaliency < 0.65, "the vanilla gradient must change strongly, rank correlation " + rhoSaliency);
        assertTrue(rhoGuided > 0.85, "guided backprop should barely change, rank correlation " + rhoGuided);
        assertTrue(rhoGuided - rhoSaliency > 0.3, "guided backprop must change much less than the gradient");
    }

    private static float[] map(RuleGradient method, INDArray x, int cls) {
        Attribution a = method.attribute(x, Target.classIndex(cls));
        return Maps.maxAbsOverChannels(Passes.floats(a.raw()), 3, a.imageHeight(), a.imageWidth());
    }

    static double spearman(float[] a, float[] b) {
        double[] da = new double[a.length], db = new double[b.length];
        for (int i = 0; i < a.length; i++) {
            da[i] = a[i];
            db[i] = b[i];
        }
        return new SpearmansCorrelation().correlation(da, db);
    }

    /** A picture with structure (a bright disc, a dark bar and a ramp), in normalized-input units, [1,3,side,side]. */
    static INDArray picture(int side) {
        double[] v = new double[3 * side * side];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++) {
                    double t = (double) x / side - 0.5;
                    boolean disc = Math.hypot(x - side * 0.35, y - side * 0.4) < side * 0.2;
                    boolean bar = y > side * 0.7 && y < side * 0.8 && x > side * 0.2;
                    double value = t * (c + 1) + (disc ? 1.5 - 0.5 * c : 0) - (bar ? 1.2 : 0);
                    v[(c * side + y) * side + x] = (float) value;  // float32 values, as an image would give
                }
        return Passes.array(v, org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, side, side);
    }
}
