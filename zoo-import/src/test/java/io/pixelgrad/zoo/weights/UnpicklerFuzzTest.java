package io.pixelgrad.zoo.weights;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.pixelgrad.zoo.fuzz.FuzzFiles;
import net.razorvine.pickle.PickleException;

/**
 * Fuzzes {@link SafeUnpickler} on bare pickles (seeds: the data.pkl of every zip fixture): it returns an object or
 * throws a PickleException ({@link SafeUnpickler.Refused} for what the allow-list refuses) or an IOException, and the
 * state_dict finder turns whatever it returned into tensors or a one-line WeightsFormatException.
 */
class UnpicklerFuzzTest {
    /** Unpickles the input and looks for a state_dict in it; any other exception or error is a finding. */
    @FuzzTest
    void readsOrRefuses(byte[] data) {
        Object root;
        try {
            root = new SafeUnpickler(true).load(new ByteArrayInputStream(data));
        } catch (PickleException | IOException e) {
            return;
        }
        try {
            PyTorchReader.stateDictOf("weights input.pkl", root);
        } catch (WeightsFormatException e) {
            FuzzFiles.assertOneLine(e.getMessage(), "weights input.pkl: ");
        }
    }
}
