package io.pixelgrad.zoo.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One epoch of a training run: its learning rate, the mean loss and accuracy over the training batches (as they were
 * seen, in training mode) and on the test set (in inference mode), and how long it took.
 */
public record EpochStats(int epoch, double lr, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                         double seconds) {

    /** As a JSON-ready map. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("lr", lr);
        m.put("train_loss", trainLoss);
        m.put("train_accuracy", trainAccuracy);
        m.put("test_loss", testLoss);
        m.put("test_accuracy", testAccuracy);
        m.put("seconds", seconds);
        return m;
    }

    /** From a map written by {@link #toMap()}. */
    public static EpochStats fromMap(Map<String, Object> m) {
        return new EpochStats(((Number) m.get("epoch")).intValue(), num(m, "lr"), num(m, "train_loss"), num(m, "train_accuracy"),
                num(m, "test_loss"), num(m, "test_accuracy"), num(m, "seconds"));
    }

    private static double num(Map<String, Object> m, String k) {
        return ((Number) m.get(k)).doubleValue();
    }
}
