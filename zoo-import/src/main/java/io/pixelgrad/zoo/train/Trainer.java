package io.pixelgrad.zoo.train;

import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Gradients;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.autograd.nn.Parameter;
import io.pixelgrad.autograd.optim.Adam;
import io.pixelgrad.autograd.optim.Closure;
import io.pixelgrad.autograd.optim.Optimizer;
import io.pixelgrad.autograd.optim.Sgd;
import io.pixelgrad.engine.StepMemory;
import io.pixelgrad.zoo.data.Batch;
import io.pixelgrad.zoo.data.Batches;
import io.pixelgrad.zoo.data.Dataset;
import io.pixelgrad.zoo.data.Seeds;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a classifier with cross-entropy, one epoch at a time: each epoch sets the learning rate from the schedule,
 * shuffles and augments the training set with that epoch's seeds, takes one optimizer step per batch (forward,
 * loss, backward on a {@link Tape}, gradients handed to the optimizer), then measures the test set in inference mode.
 *
 * <p>Every random choice of an epoch (order, crops, flips, dropout masks) comes from generators derived from the
 * seed and the epoch number, so a run resumed from a checkpoint repeats the uninterrupted run bit for bit.
 */
public final class Trainer implements AutoCloseable {

    /** Told after every optimizer step of an epoch. */
    @FunctionalInterface
    public interface StepListener {
        /** Step {@code step} (from 1) of {@code steps} is done; loss and accuracy so far in this epoch. */
        void onStep(int step, int steps, double meanLoss, double accuracy);
    }

    private final Classifier model;
    private final Dataset train, test;
    private final Normalization normalization;
    private final TrainingOptions options;
    private final Optimizer optimizer;
    private final List<Parameter> parameters;
    private final StepMemory stepMemory = new StepMemory("train-step");

    /**
     * Prepares to train the model (its current weights are the start: see {@link #initialize}) on train, measuring on
     * test; images become input through normalization. The model's parameters become trainable and are converted to
     * the options' data type.
     */
    public Trainer(Classifier model, Dataset train, Dataset test, Normalization normalization, TrainingOptions options) {
        if (model.numClasses() != train.classes().size())
            throw new IllegalArgumentException("the model has " + model.numClasses() + " classes, the data set "
                    + train.classes().size());
        this.model = model;
        this.train = train;
        this.test = test;
        this.normalization = normalization;
        this.options = options;
        model.toDataType(options.dataType());
        model.setTrainable(true);
        this.parameters = new ArrayList<>(model.parameters().values());
        List<INDArray> values = new ArrayList<>();
        for (Parameter p : parameters) values.add(p.value());
        this.optimizer = switch (options.optimizer()) {
            case "sgd" -> Sgd.builder(values).lr(options.lr()).momentum(options.momentum())
                    .weightDecay(options.weightDecay()).build();
            default -> Adam.builder(values).lr(options.lr()).weightDecay(options.weightDecay()).build();
        };
    }

    /** Seeded He-normal initialization of the model's weights (what a run from scratch starts with). */
    public static void initialize(Classifier model, long seed) {
        Init.randomize(model, Seeds.derive(seed, "init", 0));
    }

    /** The optimizer (its state goes into checkpoints). */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The model being trained. */
    public Classifier model() {
        return model;
    }

    /** The options. */
    public TrainingOptions options() {
        return options;
    }

    /** Trains one epoch (numbered from 0) and measures the test set; the model is in inference mode afterwards. */
    public EpochStats epoch(int epoch, StepListener listener) {
        long started = System.nanoTime();
        double lr = options.learningRateSchedule().rate(options.lr(), epoch);
        optimizer.setLearningRate(lr);
        Batches batches = Batches.of(train, normalization).batchSize(options.batchSize()).dataType(options.dataType())
                .shuffle(options.seed(), epoch).augment(options.augmentation()).build();
        model.train(Seeds.random(options.seed(), "dropout", epoch));
        double lossSum = 0;
        int correct = 0, seen = 0, steps = batches.count();
        try {
            for (int k = 0; k < steps; k++) {
                try (Batch b = batches.batch(k)) {
                    int[] right = {0};
                    double loss = optimizer.step(closure(b, right));
                    lossSum += loss * b.size();
                    correct += right[0];
                    seen += b.size();
                }
                listener.onStep(k + 1, steps, lossSum / seen, (double) correct / seen);
            }
        } finally {
            model.eval();
        }
        Evaluation t = evaluate(test);
        return new EpochStats(epoch, lr, lossSum / seen, (double) correct / seen, t.loss(), t.accuracy(),
                (System.nanoTime() - started) / 1e9);
    }

    /** One batch's loss and gradients; counts the correctly classified images into right[0]. */
    private Closure closure(Batch b, int[] right) {
        return grads -> {
            // Nothing made here outlives the step: gradients are copied into the optimizer's arrays, numbers read out.
            try (MemoryWorkspace ignored = stepMemory.enter(); Tape tape = new Tape()) {
                Tensor logits = model.forward(tape.constant(b.images()));
                Tensor loss = F.crossEntropy(logits, b.labels());
                Gradients g = tape.backward(loss, ReluRule.STANDARD);
                for (int i = 0; i < parameters.size(); i++) grads.get(i).assign(g.of(parameters.get(i).tensor()));
                double[][] scores = logits.value().toDoubleMatrix();
                for (int i = 0; i < scores.length; i++) if (Evaluation.argmax(scores[i]) == b.labels()[i]) right[0]++;
                return loss.value().getDouble(0);
            }
        };
    }

    /** Accuracy, loss and confusion matrix of the model on a data set (inference mode, batches of 256). */
    public Evaluation evaluate(Dataset data) {
        return Evaluation.of(model, Batches.of(data, normalization).batchSize(256).dataType(options.dataType()).build());
    }

    /** The model's parameters and buffers by state_dict name (the arrays themselves). */
    public Map<String, INDArray> modelState() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        model.parameters().forEach((k, p) -> m.put(k, p.value()));
        m.putAll(model.buffers());
        return m;
    }

    /** Frees the optimizer's state and the steps' memory block (call on the thread that trained). */
    @Override
    public void close() {
        optimizer.close();
        stepMemory.close();
    }
}
