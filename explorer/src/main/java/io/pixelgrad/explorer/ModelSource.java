package io.pixelgrad.explorer;

import io.pixelgrad.zoo.models.Classifier;

import java.util.List;

/**
 * What the explorer shows: one loaded classifier, how pictures become its input, the sample pictures offered without
 * an upload, and the names of its classes. The server asks only this interface, so the model behind it can change
 * (weights given on the command line: {@link WeightsModelSource}; the built-in trained model: {@link BuiltinModelSource})
 * without touching the server or the page.
 */
public interface ModelSource {

    /** The loaded model (read only; passes on it may run concurrently). */
    Classifier model();

    /** A stable identity of model + weights + data type, part of every cache key. */
    String id();

    /** One line for the page header, e.g. "alexnet, weights alexnet.pth, float32". */
    String label();

    /** How a picture becomes this model's input. */
    ImagePipeline pipeline();

    /** Pictures offered on the page (at least one: the page opens on the first). */
    List<Sample> samples();

    /** The display name of a class (ImageNet's names for 1000 classes, "class N" when nothing better is known). */
    String className(int index);
}
