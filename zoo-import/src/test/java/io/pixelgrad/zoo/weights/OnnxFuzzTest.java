package io.pixelgrad.zoo.weights;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Fuzzes {@link OnnxReader} (seeds: the ONNX fixtures). */
class OnnxFuzzTest {
    /** Reads the input (converting every tensor) or refuses it with a one-line WeightsFormatException; anything else is a finding. */
    @FuzzTest
    void readsOrRefuses(byte[] data) {
        WeightsContract.check(new OnnxReader(), "input.onnx", data);
    }
}
