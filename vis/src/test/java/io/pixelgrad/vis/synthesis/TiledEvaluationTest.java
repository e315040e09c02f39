package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.autograd.optim.Sgd;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DeepDream's tiled evaluation against its definition written out on one tape: the objective is the sum over tiles of
 * the objective of crop(roll(p, dy, dx)), (dy, dx) drawn from the run's seed, and the step follows its gradient. One
 * SGD step of rate 1 from p0 gives p1 = p0 + gradient, so the gradient is read off the run. The objective reads the
 * picture too (an L2 penalty), which input parameters make only on demand.
 */
class TiledEvaluationTest {

    @ParameterizedTest(name = "tile {0}, roll {1}")
    @CsvSource({"8, 3", "0, 5", "7, 0", "20, 2"})
    void tilesAndRollFollowTheDefinition(int tile, int roll) {
        Classifier model = Architectures.create("smallvgg");
        Init.randomize(model, 5);
        model.toDataType(DataType.DOUBLE);
        InputSpace space = InputSpace.forModel(model, null);
        int side = 20;
        INDArray p0 = Nd4j.rand(DataType.DOUBLE, 1, model.inputChannels(), side, side).subi(0.5);
        // the second ReLU: two convolutions deep, so tiles see their neighbours' pixels only through the roll
        String layer = model.modules().entrySet().stream().filter(e -> e.getValue() instanceof io.pixelgrad.autograd.nn.ReLU)
                .skip(1).findFirst().orElseThrow().getKey();
        Objective objective = Objective.layer(layer).minus(Objective.l2().times(0.05));
        long seed = 11;
        double[] expectedGradient = new double[(int) p0.length()];
        double expectedValue = definition(model, space, objective, p0, tile, roll, seed, expectedGradient);

        try (ImageParam param = ImageParam.input(1, model.inputChannels(), side, side, space)) {
            RenderLoop.Result r = RenderLoop.of(model, space, param, objective).start(p0).steps(1).seed(seed)
                    .transforms(Transforms.none()).tiles(tile, roll)
                    .optimizer(p -> Sgd.builder(p).lr(1.0).build()).run();
            assertEquals(expectedValue, r.trajectory()[0], 1e-12 * Math.abs(expectedValue));
            double[] p1 = r.params().dup('c').data().asDouble(), start = p0.dup('c').data().asDouble();
            double largest = 0;
            for (double g : expectedGradient) largest = Math.max(largest, Math.abs(g));
            assertTrue(largest > 0, "the objective reaches the pixels");
            for (int i = 0; i < p1.length; i++)
                assertEquals(expectedGradient[i], p1[i] - start[i], 1e-12 * (1 + Math.abs(start[i])), "element " + i);
        }
    }

    /** The objective and its gradient as the definition reads: roll and crop on the tape, one pass per tile. */
    private static double definition(Classifier model, InputSpace space, Objective objective, INDArray p0, int tile,
                                     int roll, long seed, double[] gradient) {
        Draws draws = Draws.seeded(new Random(seed));
        int dy = roll > 0 ? draws.below(2 * roll + 1) - roll : 0, dx = roll > 0 ? draws.below(2 * roll + 1) - roll : 0;
        int h = (int) p0.size(2), w = (int) p0.size(3);
        int[] rows = RenderLoop.cuts(h, tile > 0 ? tile : h), cols = RenderLoop.cuts(w, tile > 0 ? tile : w);
        double total = 0;
        try (ImageParam param = ImageParam.input(1, (int) p0.size(1), h, w, space)) {
            for (int i = 0; i + 1 < rows.length; i++)
                for (int j = 0; j + 1 < cols.length; j++) {
                    try (Tape tape = new Tape()) {
                        tape.watch(objective.layers().toArray(new String[0]));
                        Tensor p = tape.input(p0);
                        Tensor piece = F.crop(F.roll(F.roll(p, 2, dy), 3, dx), rows[i], cols[j], rows[i + 1] - rows[i],
                                cols[j + 1] - cols[j]);
                        Tensor picture = param.picture(piece);
                        Tensor x = param.modelInput(piece, picture, Transforms.none(), draws, space);
                        model.forwardTo(x, objective.layers().iterator().next());
                        Tensor value = objective.value(new Activations(tape, picture, x, null));
                        double[] g = tape.backward(value, ReluRule.STANDARD).of(p).dup('c').data().asDouble();
                        for (int k = 0; k < g.length; k++) gradient[k] += g[k];
                        total += value.value().getDouble(0);
                    }
                }
        }
        return total;
    }
}
