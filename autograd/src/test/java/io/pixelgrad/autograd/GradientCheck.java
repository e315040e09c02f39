package io.pixelgrad.autograd;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares the gradients of a backward pass with central finite differences in float64: for L = sum(seed * f(x)),
 * dL/dx_i ~ (L(x + h e_i) - L(x - h e_i)) / 2h, on a random sample of coordinates of every input.
 */
final class GradientCheck {

    private static final double H = 1e-6;
    private static final int COORDINATES_PER_INPUT = 40;

    private GradientCheck() {
    }

    /** Random normal float64 values of a shape, from a seeded generator. */
    static INDArray randn(Random random, long... shape) {
        double[] v = new double[(int) io.pixelgrad.engine.Arrays.length(shape)];
        for (int i = 0; i < v.length; i++) v[i] = random.nextGaussian();
        return Nd4j.create(v, shape, 'c');
    }

    /** Asserts that f's analytic gradients match finite differences to a relative error of tolerance. */
    static void check(String what, Function<Tensor[], Tensor> f, double tolerance, INDArray... inputs) {
        Random random = new Random(what.hashCode());
        INDArray seed;
        INDArray[] analytic = new INDArray[inputs.length];
        try (Tape tape = new Tape()) {
            Tensor[] xs = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) xs[i] = tape.input(inputs[i]);
            Tensor out = f.apply(xs);
            assertTrue(out.dataType() == DataType.DOUBLE, what + ": output is " + out.dataType() + ", not float64");
            seed = randn(random, out.shape());
            Gradients g = tape.backward(out, seed, ReluRule.STANDARD);
            for (int i = 0; i < inputs.length; i++) analytic[i] = g.of(xs[i]).dup();
        }
        for (int i = 0; i < inputs.length; i++) {
            INDArray x = inputs[i];
            long n = x.length();
            for (int k = 0; k < Math.min(n, COORDINATES_PER_INPUT); k++) {
                long index = n <= COORDINATES_PER_INPUT ? k : (long) (random.nextDouble() * n);
                double original = x.getDouble(index);
                x.putScalar(index, original + H);
                double plus = loss(f, inputs, seed);
                x.putScalar(index, original - H);
                double minus = loss(f, inputs, seed);
                x.putScalar(index, original);
                double numeric = (plus - minus) / (2 * H);
                double exact = analytic[i].getDouble(index);
                double error = Math.abs(numeric - exact) / Math.max(1.0, Math.abs(numeric) + Math.abs(exact));
                assertTrue(error < tolerance, what + ": input " + i + " element " + index + " analytic " + exact
                        + " numeric " + numeric);
            }
        }
    }

    private static double loss(Function<Tensor[], Tensor> f, INDArray[] inputs, INDArray seed) {
        try (Tape tape = new Tape()) {
            Tensor[] xs = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) xs[i] = tape.input(inputs[i]);
            return f.apply(xs).value().mul(seed).sumNumber().doubleValue();
        }
    }
}
