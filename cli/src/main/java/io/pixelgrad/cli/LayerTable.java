package io.pixelgrad.cli;

import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.models.LayerGeometry;

import java.util.ArrayList;
import java.util.List;

/**
 * Every layer of a classifier with its output shape, parameter count and receptive field, as the {@code layers}
 * command prints it. The geometry (and the one definition of receptive fields) is the library's
 * {@link LayerGeometry}; this class only turns its errors into user errors and its fields into table columns.
 */
public final class LayerTable {

    /** One layer: full module name, description, output shape, parameters, and receptive field (size 0 = whole input, -1 = varies). */
    public record Row(String name, String description, long[] outputShape, long parameters, long rfSize, long rfJump, double rfStart) {
    }

    private LayerTable() {
    }

    /** The rows for an input of shape [N, C, H, W] (square receptive fields are shown along H). */
    public static List<Row> forInput(Classifier model, long[] inputShape) {
        List<LayerGeometry.Layer> layers;
        try {
            layers = LayerGeometry.of(model, inputShape);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        }
        List<Row> rows = new ArrayList<>();
        for (LayerGeometry.Layer l : layers) {
            LayerGeometry.ReceptiveField rf = l.receptiveField();
            boolean local = rf.extent() == LayerGeometry.Extent.LOCAL;
            long size = switch (rf.extent()) {
                case LOCAL -> rf.rows().size();
                case WHOLE -> 0;
                case VARIES -> -1;
            };
            rows.add(new Row(l.name(), l.description(), l.outputShape(), l.parameters(), size, local ? rf.rows().jump() : 0,
                    local ? rf.rows().start() : Double.NaN));
        }
        return rows;
    }
}
