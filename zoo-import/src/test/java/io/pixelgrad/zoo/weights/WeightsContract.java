package io.pixelgrad.zoo.weights;

import io.pixelgrad.zoo.fuzz.FuzzFiles;

/**
 * The contract every weights reader keeps on any input, checked by the fuzz targets: the file is read (and then every
 * tensor converts to exactly numel floats) or refused with a one-line {@link WeightsFormatException} naming the file.
 * Any other exception or error escapes to the fuzzer as a finding.
 */
final class WeightsContract {
    private WeightsContract() {
    }

    /** Runs {@code reader} on the fuzzer's {@code data}, written to a file called {@code name}, and checks the contract. */
    static void check(WeightsReader reader, String name, byte[] data) {
        StateDict sd = FuzzFiles.readOrRefuse(name, data, reader::read, WeightsFormatException.class, "weights ");
        if (sd == null) {
            return;
        }
        for (WeightTensor t : sd.tensors().values()) {
            long n = 1;
            for (long d : t.shape()) {
                n *= d;
            }
            float[] v = t.toFloatArray();
            if (v.length != n || t.numel() != n) {
                throw new AssertionError(t + " gave " + v.length + " values, numel " + t.numel());
            }
        }
    }
}
