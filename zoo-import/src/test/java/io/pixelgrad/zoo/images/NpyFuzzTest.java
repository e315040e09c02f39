package io.pixelgrad.zoo.images;

import java.io.IOException;

import org.nd4j.linalg.api.ndarray.INDArray;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.pixelgrad.engine.Arrays;
import io.pixelgrad.engine.Npy;
import io.pixelgrad.zoo.fuzz.FuzzFiles;

/**
 * Fuzzes the engine's .npy reader ({@link Npy#read}, which promises an array or an IOException) and the image input
 * built on it ({@link ImageInput#loadNpy}, an array or a one-line ImageInputException). Seeds: tiny .npy files of every
 * supported dtype, see make_fuzz_seeds.py.
 */
class NpyFuzzTest {
    /** Reads the input both ways; any other exception or error is a finding. */
    @FuzzTest
    void readsOrRefuses(byte[] data) {
        INDArray a = FuzzFiles.readOrRefuse("input.npy", data, Npy::read, IOException.class, "");
        if (a != null) {
            long n = 1;
            for (long d : a.shape()) {
                n *= d;
            }
            if (a.length() != n) {
                throw new AssertionError("array of shape " + java.util.Arrays.toString(a.shape()) + " has " + a.length() + " elements");
            }
            Arrays.release(a);
        }
        Arrays.release(FuzzFiles.readOrRefuse("input.npy", data, ImageInput::loadNpy, ImageInputException.class, "image "));
    }
}
