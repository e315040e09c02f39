package io.pixelgrad.autograd.optim;

/**
 * A learning rate per epoch, as torch.optim.lr_scheduler computes it when {@code scheduler.step()} is called once
 * per epoch. Rates follow torch's recursive formulas (each epoch's rate from the previous one), so they equal torch's
 * to the last bit rather than only to the closed form's rounding; a rate for any epoch can be asked for directly,
 * which is what resuming a run needs.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate of an epoch (counted from 0) for a run whose optimizer started at baseLr. */
    double rate(double baseLr, int epoch);

    /** Sets the optimizer's learning rate for an epoch. */
    default void apply(Optimizer optimizer, double baseLr, int epoch) {
        optimizer.setLearningRate(rate(baseLr, epoch));
    }

    /** The base rate throughout. */
    static LearningRateSchedule constant() {
        return (base, epoch) -> base;
    }

    /** torch's StepLR: the rate times gamma every stepSize epochs. */
    static LearningRateSchedule step(int stepSize, double gamma) {
        if (stepSize < 1) throw new IllegalArgumentException("step size must be >= 1, not " + stepSize);
        return (base, epoch) -> {
            checkEpoch(epoch);
            double lr = base;
            for (int e = 1; e <= epoch; e++) if (e % stepSize == 0) lr = lr * gamma;
            return lr;
        };
    }

    /**
     * torch's CosineAnnealingLR: from the base rate down to etaMin along half a cosine over tMax epochs (and back up
     * over the next tMax, as torch does when run longer).
     */
    static LearningRateSchedule cosine(int tMax, double etaMin) {
        if (tMax < 1) throw new IllegalArgumentException("T_max must be >= 1, not " + tMax);
        return (base, epoch) -> {
            checkEpoch(epoch);
            double lr = base;
            for (int e = 1; e <= epoch; e++) {
                if ((e - 1 - tMax) % (2 * tMax) == 0) {
                    lr = lr + (base - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
                } else {
                    lr = (1 + Math.cos(Math.PI * e / tMax)) / (1 + Math.cos(Math.PI * (e - 1) / tMax)) * (lr - etaMin) + etaMin;
                }
            }
            return lr;
        };
    }

    private static void checkEpoch(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("epoch must be >= 0, not " + epoch);
    }
}
