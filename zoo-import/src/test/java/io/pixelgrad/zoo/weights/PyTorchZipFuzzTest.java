package io.pixelgrad.zoo.weights;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Fuzzes the zip .pth reader, {@link PyTorchReader#readZip} (seeds: the zip .pth fixtures). */
class PyTorchZipFuzzTest {
    /** Reads the input (converting every tensor) or refuses it with a one-line WeightsFormatException; anything else is a finding. */
    @FuzzTest
    void readsOrRefuses(byte[] data) {
        WeightsContract.check(new PyTorchReader()::readZip, "input.pth", data);
    }
}
