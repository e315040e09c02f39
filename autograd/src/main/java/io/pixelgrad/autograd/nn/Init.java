package io.pixelgrad.autograd.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.Random;

/** Seeded random initialization of a model's weights (benchmarks, tests, training from scratch). */
public final class Init {

    private Init() {
    }

    /**
     * He-normal weights (std sqrt(2 / fan_in)) and small normal biases, from a seeded generator, so the same seed
     * always gives the same model. Batch-norm weights become 1 and biases 0. Values are written into the existing
     * arrays, so a VGG16 keeps a single copy of its 528 MB of weights.
     */
    public static void randomize(Module model, long seed) {
        Random random = new Random(seed);
        for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
            INDArray v = e.getValue().value();
            if (v.rank() >= 2) {
                fillNormal(v, random, Math.sqrt(2.0 / (v.length() / v.size(0))));
            } else if (isBatchNorm(model, e.getKey())) {
                v.assign(e.getKey().endsWith("weight") ? 1 : 0);
            } else {
                fillNormal(v, random, 0.01);
            }
        }
    }

    private static boolean isBatchNorm(Module model, String parameterName) {
        String owner = parameterName.substring(0, Math.max(0, parameterName.lastIndexOf('.')));
        return model.modules().get(owner) instanceof BatchNorm2d;
    }

    private static void fillNormal(INDArray target, Random random, double std) {
        if (target.isView() || target.ordering() != 'c') throw new IllegalStateException("parameters must be dense arrays");
        long n = target.length();
        if (target.dataType() == DataType.FLOAT) {
            java.nio.FloatBuffer b = target.data().asNioFloat();
            for (int i = 0; i < n; i++) b.put(i, (float) (random.nextGaussian() * std));
        } else {
            for (long i = 0; i < n; i++) target.putScalar(i, random.nextGaussian() * std);
        }
    }
}
