package io.pixelgrad.zoo.weights;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Fuzzes {@link SafetensorsReader} (seeds: the safetensors fixtures, see make_fuzz_seeds.py). */
class SafetensorsFuzzTest {
    /** Reads the input (converting every tensor) or refuses it with a one-line WeightsFormatException; anything else is a finding. */
    @FuzzTest
    void readsOrRefuses(byte[] data) {
        WeightsContract.check(new SafetensorsReader(), "input.safetensors", data);
    }
}
