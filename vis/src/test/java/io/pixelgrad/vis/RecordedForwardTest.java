package io.pixelgrad.vis;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Saliency, guided backprop and deconvnet from one recorded forward pass, for several classes in turn, are bitwise
 * the attributions computed from the image itself; a closed recording is refused.
 */
class RecordedForwardTest {

    @Test
    void backwardOnlyAttributionsEqualTheFullOnes() throws Exception {
        for (String name : List.of("alexnet_16", "smallvgg_4")) {
            Reference r = Reference.load(name, DataType.FLOAT);
            List<RuleGradient> methods = List.of(new Saliency(r.model), new GuidedBackprop(r.model), new Deconvnet(r.model));
            try (RecordedForward recorded = RecordedForward.of(r.model, r.x)) {
                for (Target target : List.of(Target.topClass(), Target.classIndex(3), Target.classIndex(0), Target.topClass()))
                    for (RuleGradient m : methods) {
                        Attribution full = m.attribute(r.x, target), fromRecording = m.attribute(recorded, target);
                        String what = name + " " + m.name() + " " + target;
                        assertEquals(full.targetClass(), fromRecording.targetClass(), what);
                        assertArrayEquals(full.raw(), fromRecording.raw(), 0, what);
                        assertArrayEquals(full.shape(), fromRecording.shape(), what);
                        assertEquals(full.parameters(), fromRecording.parameters(), what);
                    }
                assertFalse(r.x.wasClosed(), "the caller's image is copied, not taken");
                recorded.close();
                assertThrows(IllegalStateException.class, () -> new Saliency(r.model).attribute(recorded, Target.topClass()));
            }
        }
    }

    @Test
    void theRecordingKeepsItsOwnCopyOfAnImageWithoutBatchDimension() throws Exception {
        Reference r = Reference.load("alexnet_16", DataType.FLOAT);
        org.nd4j.linalg.api.ndarray.INDArray chw = r.x.reshape(r.x.size(1), r.x.size(2), r.x.size(3)).dup('c');
        Attribution full = new Saliency(r.model).attribute(chw, Target.topClass());
        try (RecordedForward recorded = RecordedForward.of(r.model, chw)) {
            io.pixelgrad.engine.Arrays.release(chw);   // the caller is done with its image
            assertArrayEquals(full.raw(), new Saliency(r.model).attribute(recorded, Target.topClass()).raw(), 0);
        }
    }

    @Test
    void aRecordingOfAnotherModelIsRefused() throws Exception {
        Reference a = Reference.load("alexnet_16", DataType.FLOAT), b = Reference.load("alexnet_16", DataType.FLOAT);
        try (RecordedForward recorded = RecordedForward.of(a.model, a.x)) {
            assertThrows(IllegalArgumentException.class, () -> new Saliency(b.model).attribute(recorded, Target.topClass()));
        }
    }
}
