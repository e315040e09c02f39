package io.pixelgrad.tests;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Array helpers for the tests. */
final class Arrays2 {

    private Arrays2() {
    }

    /** The values of any array (any layout: channels-last views included) in row-major order, as doubles. */
    static double[] flat(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }
}
