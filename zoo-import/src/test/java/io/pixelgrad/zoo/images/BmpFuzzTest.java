package io.pixelgrad.zoo.images;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Fuzzes the BMP decoder behind {@link Images#read} and the standard preprocessing (seeds: tiny BMP files, see make_fuzz_seeds.py). */
class BmpFuzzTest {
    /** Decodes and preprocesses the input, or refuses it with a one-line ImageInputException; anything else is a finding. */
    @FuzzTest
    void readsOrRefuses(byte[] data) {
        ImageContract.check("input.bmp", data);
    }
}
