package io.pixelgrad.zoo.weights;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Fuzzes the legacy .pth reader, {@link PyTorchReader#readLegacy} (seeds: the legacy .pth fixtures). */
class PyTorchLegacyFuzzTest {
    /** Reads the input (converting every tensor) or refuses it with a one-line WeightsFormatException; anything else is a finding. */
    @FuzzTest
    void readsOrRefuses(byte[] data) {
        WeightsContract.check(new PyTorchReader()::readLegacy, "input.pth", data);
    }
}
