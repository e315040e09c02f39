package io.pixelgrad.zoo.train;

import io.pixelgrad.autograd.optim.LearningRateSchedule;
import io.pixelgrad.zoo.data.Augmentation;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Everything that decides a training run's result (with the data): same options, same data, same thread count, the
 * same weights bit for bit.
 *
 * @param architecture "lenet" or "smallvgg"
 * @param epochs       passes over the training data
 * @param batchSize    images per optimizer step
 * @param optimizer    "sgd" (with momentum) or "adam"
 * @param lr           base learning rate
 * @param momentum     SGD momentum (ignored by Adam)
 * @param weightDecay  L2 penalty added to every gradient
 * @param schedule     "cosine" (to 0 over the run), "step" (x0.1 every third of the run) or "constant"
 * @param augmentation random crops and flips applied to training images
 * @param seed         the seed of initialization, shuffling, augmentation and dropout
 * @param dataType     float32 or float64 arithmetic throughout
 */
public record TrainingOptions(String architecture, int epochs, int batchSize, String optimizer, double lr, double momentum,
                              double weightDecay, String schedule, Augmentation augmentation, long seed, DataType dataType) {

    /** Checks every value; errors are one line naming the option. */
    public TrainingOptions {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, not " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("the batch size must be at least 1, not " + batchSize);
        if (!optimizer.equals("sgd") && !optimizer.equals("adam"))
            throw new IllegalArgumentException("unknown optimizer '" + optimizer + "'; known: sgd, adam");
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("the learning rate must be positive, not " + lr);
        if (momentum < 0 || momentum >= 1) throw new IllegalArgumentException("momentum must be in [0, 1), not " + momentum);
        if (weightDecay < 0) throw new IllegalArgumentException("weight decay must be >= 0, not " + weightDecay);
        if (!schedule.equals("cosine") && !schedule.equals("step") && !schedule.equals("constant"))
            throw new IllegalArgumentException("unknown schedule '" + schedule + "'; known: cosine, step, constant");
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE)
            throw new IllegalArgumentException("training runs in float32 or float64, not " + dataType);
    }

    /** The learning rate of each epoch. */
    public LearningRateSchedule learningRateSchedule() {
        return switch (schedule) {
            case "cosine" -> LearningRateSchedule.cosine(epochs, 0);
            case "step" -> LearningRateSchedule.step(Math.max(1, epochs / 3), 0.1);
            default -> LearningRateSchedule.constant();
        };
    }

    /** "float32" or "float64". */
    public String dataTypeName() {
        return dataType == DataType.DOUBLE ? "float64" : "float32";
    }

    /** The options as a JSON-ready map (train.json, checkpoints). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", architecture);
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("optimizer", optimizer);
        m.put("lr", lr);
        m.put("momentum", momentum);
        m.put("weight_decay", weightDecay);
        m.put("schedule", schedule);
        m.put("augmentation_padding", augmentation.padding());
        m.put("augmentation_flip", augmentation.flip());
        m.put("seed", seed);
        m.put("dtype", dataTypeName());
        return m;
    }

    /**
     * What a resumed run must share with the run that wrote the checkpoint: everything but the number of epochs (a
     * finished run can be extended), as one comparable line.
     */
    public String identity() {
        return String.format(Locale.ROOT, "%s batch %d %s lr %s momentum %s decay %s %s crop %d flip %s seed %d %s",
                architecture, batchSize, optimizer, lr, momentum, weightDecay, schedule, augmentation.padding(),
                augmentation.flip(), seed, dataTypeName());
    }
}
