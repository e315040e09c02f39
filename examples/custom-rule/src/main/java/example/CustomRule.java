package example;

import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.zoo.images.ImageInput;
import io.pixelgrad.zoo.models.BuiltinModels;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A backward pass written by hand over pixelgrad's Tape, with a ReLU rule of its own: "absolute", which passes |g|
 * through active units (how strongly, not in which direction, each pixel matters). It is compared with the built-in
 * rules on the built-in Fashion-MNIST model: how much of the gradient reaches the pixels under each.
 */
public final class CustomRule {

    /** |g| * [x > 0]: the gradient's magnitude through units that were active. */
    static final ReluRule ABSOLUTE = new ReluRule() {
        @Override
        public INDArray backward(INDArray x, INDArray g) {
            INDArray mask = x.gt(0).castTo(g.dataType());
            INDArray out = Transforms.abs(g, true).muli(mask);
            mask.close();
            return out;
        }

        @Override
        public String name() {
            return "ABSOLUTE";
        }
    };

    public static void main(String[] args) throws Exception {
        String name = BuiltinModels.DEFAULT;
        Classifier model = BuiltinModels.load(name);
        INDArray x = ImageInput.load(BuiltinModels.samplePath(name, BuiltinModels.samples(name).get(0)),
                BuiltinModels.card(name).preprocessing());
        for (ReluRule rule : new ReluRule[]{ReluRule.STANDARD, ReluRule.GUIDED, ReluRule.DECONVNET, ABSOLUTE}) {
            try (Tape tape = new Tape()) {
                Tensor input = tape.input(x);
                Tensor logits = model.forward(input);
                int cls = logits.value().argMax(1).getInt(0);
                INDArray seed = Nd4j.zeros(logits.dataType(), logits.shape());
                seed.putScalar(0, cls, 1.0);                          // d(score of the top class)
                Gradients g = tape.backward(logits, seed, rule);
                INDArray grad = g.of(input);
                double positive = grad.gt(0).castTo(grad.dataType()).meanNumber().doubleValue();
                System.out.printf("%-10s |dS/dx| = %.4f, positive share %.2f%n", rule.name(), grad.norm2Number().doubleValue(), positive);
                seed.close();
            }
        }
    }
}
