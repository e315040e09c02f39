package io.pixelgrad.zoo.train;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.nn.Parameter;
import io.pixelgrad.engine.StepMemory;
import io.pixelgrad.zoo.data.Batch;
import io.pixelgrad.zoo.data.Batches;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.memory.MemoryWorkspace;

import java.util.List;

/**
 * A model's accuracy, mean cross-entropy and confusion matrix over a data set, computed in inference mode.
 * confusion[t][p] counts the images of true class t predicted as p.
 */
public record Evaluation(int count, double loss, double accuracy, int[][] confusion, List<String> classes) {

    /** Runs the model (in inference mode) over every batch. */
    public static Evaluation of(Classifier model, Batches batches) {
        List<String> classes = batches.dataset().classes();
        int k = classes.size();
        if (model.numClasses() != k)
            throw new IllegalArgumentException("the model has " + model.numClasses() + " classes, the data set " + k);
        int[][] confusion = new int[k][k];
        double lossSum = 0;
        int correct = 0, count = 0;
        // Frozen for the passes, so nothing is recorded for a backward pass: pools need no switches, activations are
        // freed as soon as the next layer has read them. The caller's trainable parameters are restored after.
        List<Parameter> trainable = model.parameters().values().stream().filter(Parameter::trainable).toList();
        trainable.forEach(p -> p.setTrainable(false));
        try (StepMemory memory = new StepMemory("evaluate")) {
            for (Batch b : batches) {
                // only numbers leave a batch's scope, so every batch after the first reuses its memory
                try (b; MemoryWorkspace ignored = memory.enter(); Tape tape = new Tape()) {
                    double[][] logits = model.forward(tape.constant(b.images())).value().toDoubleMatrix();
                    for (int i = 0; i < b.size(); i++) {
                        int predicted = argmax(logits[i]);
                        confusion[b.labels()[i]][predicted]++;
                        if (predicted == b.labels()[i]) correct++;
                        lossSum += crossEntropy(logits[i], b.labels()[i]);
                    }
                    count += b.size();
                }
            }
        } finally {
            trainable.forEach(p -> p.setTrainable(true));
        }
        return new Evaluation(count, count == 0 ? 0 : lossSum / count, count == 0 ? 0 : (double) correct / count, confusion, classes);
    }

    /** The index of the largest score (the first one on ties). */
    static int argmax(double[] scores) {
        int best = 0;
        for (int j = 1; j < scores.length; j++) if (scores[j] > scores[best]) best = j;
        return best;
    }

    /** -log softmax(scores)[target], computed stably in double. */
    static double crossEntropy(double[] scores, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : scores) max = Math.max(max, v);
        double sum = 0;
        for (double v : scores) sum += Math.exp(v - max);
        return Math.log(sum) - (scores[target] - max);
    }

    /** Per-class accuracy (recall): the diagonal over each row's total (0 for classes without images). */
    public double[] classAccuracy() {
        double[] a = new double[confusion.length];
        for (int t = 0; t < a.length; t++) {
            int total = 0;
            for (int v : confusion[t]) total += v;
            a[t] = total == 0 ? 0 : (double) confusion[t][t] / total;
        }
        return a;
    }
}
