package io.pixelgrad.autograd.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.Random;

/** Seeded random initialization of a model's weights (benchmarks, tests, training from scratch). */
public final class Init {

    private Init() {
    }

    /**
     * He-normal weights (std sqrt(2 / fan_in)) and small normal biases, from a seeded generator, so the same seed
     * always gives the same model. Batch-norm weights become 1 and biases 0.
     */
    public static void randomize(Module model, long seed) {
        Random random = new Random(seed);
        for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
            Parameter p = e.getValue();
            INDArray v = p.value();
            if (v.rank() >= 2) {
                long fanIn = v.length() / v.size(0);
                p.set(normal(random, v.shape(), Math.sqrt(2.0 / fanIn)));
            } else if (isBatchNorm(model, e.getKey())) {
                p.set(e.getKey().endsWith("weight") ? Nd4j.onesLike(v) : Nd4j.zerosLike(v));
            } else {
                p.set(normal(random, v.shape(), 0.01));
            }
        }
    }

    private static boolean isBatchNorm(Module model, String parameterName) {
        String owner = parameterName.substring(0, Math.max(0, parameterName.lastIndexOf('.')));
        return model.modules().get(owner) instanceof BatchNorm2d;
    }

    private static INDArray normal(Random random, long[] shape, double std) {
        float[] v = new float[(int) io.pixelgrad.engine.Arrays.length(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (random.nextGaussian() * std);
        return Nd4j.create(v, shape, 'c');
    }
}
