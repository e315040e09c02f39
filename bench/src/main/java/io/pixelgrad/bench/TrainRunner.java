package io.pixelgrad.bench;

import io.pixelgrad.zoo.data.Augmentation;
import io.pixelgrad.zoo.data.Dataset;
import io.pixelgrad.zoo.data.DatasetKind;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.train.EpochStats;
import io.pixelgrad.zoo.train.Trainer;
import io.pixelgrad.zoo.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Times training epochs of the small VGG on Fashion-MNIST (batch 64, Adam 1e-3, no augmentation: the same work as
 * bench/python/torch_train.py) and prints one JSON line per epoch for bench/compare.
 *
 * <p>Usage: {@code TrainRunner FASHION_MNIST_DIR [epochs] [limit]}; limit trains on the first images only.
 */
public final class TrainRunner {

    private TrainRunner() {
    }

    /** Runs the benchmark named on the command line. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int limit = args.length > 2 ? Integer.parseInt(args[2]) : Integer.MAX_VALUE;
        DatasetKind kind = DatasetKind.FASHION_MNIST;
        Dataset train = kind.load(dir, true, 1, 28, System.err::println).first(limit);
        Dataset test = kind.load(dir, false, 1, 28, System.err::println).first(limit);
        Classifier model = Architectures.create("smallvgg", 10, 1);
        Trainer.initialize(model, 1);
        TrainingOptions o = new TrainingOptions("smallvgg", epochs, 64, "adam", 1e-3, 0, 0, "constant", Augmentation.NONE, 1,
                DataType.FLOAT);
        try (Trainer t = new Trainer(model, train, test, kind.normalization(), o)) {
            for (int e = 0; e < epochs; e++) {
                long c0 = cpuNanos();
                long t0 = System.nanoTime();
                EpochStats s = t.epoch(e, (step, steps, loss, acc) -> { });
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf(Locale.ROOT, "{\"impl\":\"pixelgrad\",\"network\":\"smallvgg\",\"pass\":\"train_epoch\","
                                + "\"median_ms\":%.1f,\"cpu_ms\":%.1f,\"peak_rss_mb\":%.1f,\"train_loss\":%.4f,\"test_accuracy\":%.4f,"
                                + "\"threads\":\"%s\"}%n", ms, (cpuNanos() - c0) / 1e6, PassRunner.peakRssMb(), s.trainLoss(),
                        s.testAccuracy(), System.getenv("OMP_NUM_THREADS"));
            }
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
