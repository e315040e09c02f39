package io.pixelgrad.tests;

import com.fasterxml.jackson.databind.JsonNode;
import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.BatchNorm2d;
import io.pixelgrad.autograd.nn.Parameter;
import io.pixelgrad.autograd.optim.Adam;
import io.pixelgrad.autograd.optim.Optimizer;
import io.pixelgrad.autograd.optim.Sgd;
import io.pixelgrad.engine.StepMemory;
import io.pixelgrad.zoo.data.Batch;
import io.pixelgrad.zoo.data.Batches;
import io.pixelgrad.zoo.data.Dataset;
import io.pixelgrad.zoo.data.DatasetKind;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training against PyTorch (fixtures from make_training_reference.py): the cross-entropy loss, dropout with the mask
 * torch drew, batch norm's training statistics, ten SGD-momentum and ten Adam steps of the small VGG, and the data
 * set readers against NumPy's reading of the same files.
 */
class TrainingReferenceTest {

    /**
     * The tolerances for the optimizer steps: float64 to 1e-9, float32 to 1e-4, relative to each tensor's
     * largest value. Measured: float64 5e-16 (SGD) and 3e-14 (Adam); float32 SGD 5.9e-7.
     */
    private static final double STEPS_F64 = 1e-9, STEPS_F32 = 1e-4;
    /**
     * float32 Adam, element by element: measured 5.2e-4 at a few elements (root mean square over each tensor: 3.1e-5,
     * held to 1e-4). Adam divides every gradient by its own running size, so a weight whose gradient is mostly
     * cancellation moves by a full step whatever its size, and float32 rounding (torch's own float32 and float64 runs
     * differ as much) shows there undamped.
     */
    private static final double STEPS_F32_ADAM_ELEMENT = 2e-3;

    private static boolean f64(Fixture f) {
        return f.param("dtype").asText().equals("float64");
    }

    private static INDArray in(Fixture f, String key) {
        return f.array(key).castTo(f64(f) ? DataType.DOUBLE : DataType.FLOAT);
    }

    /** |a - b| <= tol * max(1, max|b|) elementwise, reporting the first offender. */
    private static void close(String what, INDArray expected, INDArray actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.castTo(DataType.DOUBLE).data().asDouble(), a = Arrays2.flat(actual);
        double scale = 1;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++)
            assertEquals(e[i], a[i], tol * scale, what + " at " + i);
    }

    @Test
    void crossEntropyMatchesTorch() {
        for (String name : List.of("cross_entropy", "cross_entropy_f32")) {
            Fixture f = Fixture.load("training", "functions", name);
            double tol = f64(f) ? 1e-13 : 1e-6;   // float32: measured 1.2e-7
            int[] targets = f.array("targets").castTo(DataType.INT).data().asInt();
            try (Tape tape = new Tape()) {
                Tensor x = tape.input(in(f, "logits"));
                Tensor loss = F.crossEntropy(x, targets);
                assertEquals(0, loss.rank(), "a 0-d loss");
                assertEquals(f.array("loss").getDouble(0), loss.value().getDouble(0), tol * 3, name + ": loss");
                Gradients g = tape.backward(loss, ReluRule.STANDARD);
                close(name + ": gradient", f.array("grad_logits"), g.of(x), tol);
            }
        }
    }

    @Test
    void dropoutWithTorchsMaskMatchesTorch() {
        for (String name : List.of("dropout", "dropout_f32")) {
            Fixture f = Fixture.load("training", "functions", name);
            int[] k = f.array("keep").castTo(DataType.INT).dup('c').data().asInt();
            boolean[] keep = new boolean[k.length];
            for (int i = 0; i < k.length; i++) keep[i] = k[i] != 0;
            try (Tape tape = new Tape()) {
                Tensor x = tape.input(in(f, "x"));
                Tensor y = F.dropout(x, f.doubleParam("p"), keep);
                // the same scale 1/(1-p) in the same type, one multiplication: bit for bit
                close(name + ": output", f.array("y"), y.value(), 0);
                Gradients g = tape.backward(y, in(f, "grad_y"), ReluRule.STANDARD);
                close(name + ": gradient", f.array("grad_x"), g.of(x), 0);
            }
        }
    }

    @Test
    void batchNormTrainingStatisticsMatchTorch() {
        for (String name : List.of("batchnorm_train", "batchnorm_train_f32")) {
            Fixture f = Fixture.load("training", "functions", name);
            double tol = f64(f) ? 1e-12 : 2e-5;   // float32: measured 2.4e-6 (sums in another order)
            DataType type = f64(f) ? DataType.DOUBLE : DataType.FLOAT;
            BatchNorm2d bn = new BatchNorm2d(5);
            bn.toDataType(type);
            bn.parameters().get("weight").value().assign(in(f, "weight"));
            bn.parameters().get("bias").value().assign(in(f, "bias"));
            bn.setTrainable(true);
            bn.train(new Random(1));
            for (int step = 1; step <= 2; step++) {
                try (Tape tape = new Tape()) {
                    Tensor x = tape.input(in(f, "x" + step));
                    Tensor y = bn.forward(x);
                    close(name + ": output " + step, f.array("y" + step), y.value(), tol);
                    Gradients g = tape.backward(y, in(f, "grad_y" + step), ReluRule.STANDARD);
                    close(name + ": input gradient " + step, f.array("grad_x" + step), g.of(x), tol);
                    close(name + ": weight gradient " + step, f.array("grad_weight" + step), g.of(bn.parameters().get("weight").tensor()), tol);
                    close(name + ": bias gradient " + step, f.array("grad_bias" + step), g.of(bn.parameters().get("bias").tensor()), tol);
                }
                close(name + ": running mean " + step, f.array("running_mean" + step), bn.buffers().get("running_mean"), tol);
                close(name + ": running var " + step, f.array("running_var" + step), bn.buffers().get("running_var"), tol);
                assertEquals(f.value("num_batches_tracked" + step).asLong(), bn.buffers().get("num_batches_tracked").getLong(0));
            }
            bn.eval();
            assertTrue(!bn.isTraining());
        }
    }

    @TestFactory
    Stream<DynamicTest> smallVggOptimizerStepsMatchTorch() {
        return Fixture.all("training", "steps").stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> steps(f)));
    }

    private static void steps(Fixture f) {
        DataType type = f64(f) ? DataType.DOUBLE : DataType.FLOAT;
        double tol = f64(f) ? STEPS_F64 : STEPS_F32;
        Classifier model = Architectures.create("smallvgg", 10, 1);
        model.toDataType(type);
        List<String> names = f.strings("parameters");
        assertEquals(names, new ArrayList<>(model.parameters().keySet()), "parameters in torch's order");
        int k = 0;
        long fanIn = 1;
        for (Parameter p : model.parameters().values()) {
            long[] shape = p.value().shape();
            if (shape.length > 1) fanIn = io.pixelgrad.engine.Arrays.length(shape) / shape[0];
            p.value().assign(initialWeight(k++, shape, fanIn));
        }
        model.setTrainable(true);
        List<Parameter> params = new ArrayList<>(model.parameters().values());
        List<INDArray> values = new ArrayList<>();
        for (Parameter p : params) values.add(p.value());
        int[] labels = f.array("labels").castTo(DataType.INT).data().asInt();
        byte[] pixels = bytes(f.array("images"));
        Dataset data = new Dataset("fixture", pixels, labels, 1, 28, 28, DatasetKind.FASHION_MNIST.classes());
        Batches batches = Batches.of(data, Normalization.FASHION_MNIST).batchSize(f.intParam("batch")).dataType(type).build();
        INDArray losses = f.array("losses");
        // dropout stays off (inference mode) on both sides: the masks could not be the same
        // as in the Trainer, each step's arrays live in one reused memory block: stale memory would show in the numbers
        try (StepMemory memory = new StepMemory("reference-steps");
             Optimizer opt = f.param("optimizer").asText().equals("sgd")
                ? Sgd.builder(values).lr(f.doubleParam("lr")).momentum(f.doubleParam("momentum")).build()
                : Adam.builder(values).lr(f.doubleParam("lr")).eps(f.doubleParam("eps")).build()) {
            for (int step = 0; step < f.intParam("steps"); step++) {
                try (Batch b = batches.batch(step)) {
                    double loss = opt.step(grads -> {
                        try (MemoryWorkspace ignored = memory.enter(); Tape tape = new Tape()) {
                            Tensor l = F.crossEntropy(model.forward(tape.constant(b.images())), b.labels());
                            Gradients g = tape.backward(l, ReluRule.STANDARD);
                            for (int i = 0; i < params.size(); i++) grads.get(i).assign(g.of(params.get(i).tensor()));
                            return l.value().getDouble(0);
                        }
                    });
                    assertEquals(losses.getDouble(step), loss, tol * Math.abs(losses.getDouble(step)), f.name() + ": loss of step " + (step + 1));
                }
            }
        }
        for (String n : names) {
            INDArray v = model.parameters().get(n).value();
            double[] flat = Arrays2.flat(v);
            long[] positions = f.array(n + ".positions").data().asLong();
            INDArray expected = f.array(n + ".values");
            double norm = f.array(n + ".norm").getDouble(0);
            double scale = 0;
            for (int i = 0; i < expected.length(); i++) scale = Math.max(scale, Math.abs(expected.getDouble(i)));
            boolean adam32 = type == DataType.FLOAT && f.param("optimizer").asText().equals("adam");
            double elementTol = adam32 ? STEPS_F32_ADAM_ELEMENT : tol, squaredError = 0, squared = 0;
            for (int i = 0; i < positions.length; i++) {
                double e = expected.getDouble(i), d = e - flat[(int) positions[i]];
                assertEquals(e, flat[(int) positions[i]], elementTol * scale, f.name() + ": " + n + "[" + positions[i] + "]");
                squaredError += d * d;
                squared += e * e;
            }
            assertTrue(Math.sqrt(squaredError) <= tol * Math.sqrt(squared), f.name() + ": " + n + " differs by "
                    + Math.sqrt(squaredError / squared) + " (root mean square, relative)");
            double ours = 0;
            for (double x : flat) ours += x * x;
            assertEquals(norm, Math.sqrt(ours), tol * norm, f.name() + ": norm of " + n);
        }
    }

    /** The script's initial_weights for parameter k: (2u - 1) / sqrt(fan_in), u from SplitMix64 of (k, i), in doubles. */
    private static INDArray initialWeight(int k, long[] shape, long fanIn) {
        long n = io.pixelgrad.engine.Arrays.length(shape);
        double bound = 1 / Math.sqrt(fanIn);
        double[] v = new double[(int) n];
        for (int i = 0; i < n; i++) v[i] = ((splitmix64(((long) k << 32) + i) >>> 11) * 0x1.0p-53 * 2 - 1) * bound;
        return org.nd4j.linalg.factory.Nd4j.create(v, shape, 'c');
    }

    private static long splitmix64(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static byte[] bytes(INDArray u8) {
        int[] v = u8.castTo(DataType.INT).data().asInt();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    @Test
    void fashionMnistReadsAsNumpyDoes() throws Exception {
        datasetFacts(Fixture.load("training", "datasets", "fashion-mnist"), DatasetKind.FASHION_MNIST, TestData.fashionMnist());
    }

    @Test
    void mnistReadsAsNumpyDoes() throws Exception {
        datasetFacts(Fixture.load("training", "datasets", "mnist"), DatasetKind.MNIST, TestData.mnist());
    }

    private static void datasetFacts(Fixture f, DatasetKind kind, Path dir) throws Exception {
        for (String split : List.of("train", "test")) {
            Dataset d = kind.load(dir, split.equals("train"), 1, 28, w -> { });
            assertEquals(f.value(split + "_count").asInt(), d.size(), split + " count");
            int[] counts = d.classCounts();
            JsonNode expected = f.value(split + "_label_counts");
            for (int c = 0; c < 10; c++) assertEquals(expected.get(c).asInt(), counts[c], split + " images of class " + c);
            JsonNode first = f.value(split + "_first_labels");
            for (int i = 0; i < first.size(); i++) assertEquals(first.get(i).asInt(), d.label(i), split + " label " + i);
            byte[] all = new byte[d.size() * d.imageSize()];
            long sum = 0;
            for (int i = 0; i < d.size(); i++) d.copyImage(i, all, i * d.imageSize());
            for (byte b : all) sum += b & 0xff;
            assertEquals(f.value(split + "_pixel_sum").asLong(), sum, split + " pixel sum");
            byte[] firstImages = bytes(f.array(split + "_first_images"));
            assertArrayEquals(firstImages, java.util.Arrays.copyOf(all, firstImages.length), split + " first images");
        }
    }
}
