package io.pixelgrad.zoo.train;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.engine.Arrays;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * What a network's first layer looks like at one moment of training: its filters [O, C, k, k] and the activation maps
 * [O, h, w] that one fixed image produces after its ReLU. A run keeps one per epoch; drawn side by side they show the
 * features forming (the "evolution" filmstrip).
 */
public record Snapshot(INDArray filters, INDArray activations) {

    /** The first convolution's weights and the maps after its ReLU for the image [1, C, H, W] (float32 copies). */
    public static Snapshot of(Classifier model, INDArray image) {
        String conv = null, relu = null;
        for (Map.Entry<String, Module> e : model.features().modules().entrySet()) {
            if (conv == null && e.getValue() instanceof Conv2d) conv = e.getKey();
            else if (conv != null && e.getValue() instanceof io.pixelgrad.autograd.nn.ReLU) {
                relu = e.getKey();
                break;
            }
        }
        if (conv == null || relu == null) throw new IllegalArgumentException(model.architecture() + " has no convolution followed by a ReLU");
        INDArray weight = ((Conv2d) model.modules().get(conv)).weight().value();
        INDArray filters = weight.castTo(DataType.FLOAT).dup();
        INDArray maps;
        try (Tape tape = new Tape()) {
            Tensor x = tape.constant(image.castTo(weight.dataType()));
            INDArray a = model.forwardTo(x, relu).value();
            maps = Arrays.reshapeCopy(a.castTo(DataType.FLOAT), a.size(1), a.size(2), a.size(3));
        }
        return new Snapshot(filters, maps);
    }
}
