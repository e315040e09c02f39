package io.pixelgrad.zoo.images;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Fuzzes the PNG decoder behind {@link Images#read} and the standard preprocessing (seeds: tiny PNG files, see make_fuzz_seeds.py). */
class PngFuzzTest {
    /** Decodes and preprocesses the input, or refuses it with a one-line ImageInputException; anything else is a finding. */
    @FuzzTest
    void readsOrRefuses(byte[] data) {
        ImageContract.check("input.png", data);
    }
}
