package io.pixelgrad.zoo.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Missing keys, unexpected keys and shape mismatches are each one line naming the file, the key and both shapes. */
class StateDictMatcherTest {

    @Test
    void reportsEveryMismatchOnItsOwnLine() throws Exception {
        Path f = Fixtures.path("tiny_parameters.pth");
        StateDict sd = WeightsReaders.open(f);
        StateDictMatcher m = new StateDictMatcher()
                .expect("features.0.weight", 64, 3, 3, 3)
                .expect("features.3.weight", 7, 5, 2, 3);
        assertEquals(List.of(
                "weights " + f + ": key features.0.weight has shape [5, 3, 3, 3], the model expects [64, 3, 3, 3]",
                "weights " + f + ": missing key features.3.weight (the model expects shape [7, 5, 2, 3])",
                "weights " + f + ": unexpected key features.0.bias with shape [5]"), m.problems(sd));
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> m.check(sd));
        assertEquals("weights " + f + ": key features.0.weight has shape [5, 3, 3, 3], the model expects [64, 3, 3, 3]"
                + " (and 2 more problems)", e.getMessage());
    }

    @Test
    void matchingStateDictHasNoProblems() throws Exception {
        StateDict sd = WeightsReaders.open(Fixtures.path("tiny_parameters.pth"));
        new StateDictMatcher().expect("features.0.weight", 5, 3, 3, 3).expect("features.0.bias", 5).check(sd);
    }
}
