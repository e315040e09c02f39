package io.pixelgrad.explorer;

import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

/** What the model sources share: a model already loaded, its id and label, its pipeline and samples, fixed when made. */
public abstract class LoadedModelSource implements ModelSource {

    private final Classifier model;
    private final String id, label;
    private final ImagePipeline pipeline;
    private final List<Sample> samples;

    /** A source of these parts. */
    protected LoadedModelSource(Classifier model, String id, String label, ImagePipeline pipeline, List<Sample> samples) {
        this.model = model;
        this.id = id;
        this.label = label;
        this.pipeline = pipeline;
        this.samples = List.copyOf(samples);
    }

    /** "float32" or "float64": the model's data type as labels and ids name it. */
    protected static String typeName(Classifier model) {
        return model.dataType() == DataType.DOUBLE ? "float64" : "float32";
    }

    @Override
    public Classifier model() {
        return model;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public ImagePipeline pipeline() {
        return pipeline;
    }

    @Override
    public List<Sample> samples() {
        return samples;
    }
}
