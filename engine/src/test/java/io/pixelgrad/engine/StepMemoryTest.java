package io.pixelgrad.engine;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the training loop relies on: steps reuse one block, arrays made outside survive, a stale array is refused. */
class StepMemoryTest {

    private static long address(INDArray a) {
        return a.data().addressPointer().address();
    }

    @Test
    void laterStepsReuseTheFirstStepsMemory() {
        try (StepMemory memory = new StepMemory("test")) {
            long[] later = new long[2];
            for (int step = 0; step < 3; step++) {
                try (MemoryWorkspace ignored = memory.enter()) {
                    INDArray a = Nd4j.createUninitialized(DataType.FLOAT, 1000, 1000);
                    INDArray b = a.add(1f);
                    assertTrue(a.isAttached() && b.isAttached(), "arrays of a step live in its block");
                    later[0] = address(a);
                    later[1] = address(b);
                }
            }
            // the first step only measures (its arrays spill); from the second on, every step gets the same places
            long[] second = later.clone();
            try (MemoryWorkspace ignored = memory.enter()) {
                INDArray a = Nd4j.createUninitialized(DataType.FLOAT, 1000, 1000);
                INDArray b = a.add(1f);
                assertEquals(second[0], address(a));
                assertEquals(second[1], address(b));
            }
            assertNotEquals(second[0], second[1]);
        }
    }

    @Test
    void arraysMadeOutsideAStepSurviveIt() {
        try (StepMemory memory = new StepMemory("test")) {
            INDArray kept;
            try (MemoryWorkspace ignored = memory.enter()) {
                kept = StepMemory.outside(() -> Nd4j.ones(DataType.FLOAT, 4));
                assertFalse(kept.isAttached());
            }
            try (MemoryWorkspace ignored = memory.enter()) {
                Nd4j.zeros(DataType.FLOAT, 100, 100).addi(7f);   // would overwrite kept if it lived in the block
            }
            assertEquals(4.0, kept.sumNumber().doubleValue(), 0);
        }
    }

    @Test
    void anArrayUsedAfterItsStepIsRefusedUnderScopeChecks() {
        OpExecutioner.ProfilingMode before = Nd4j.getExecutioner().getProfilingMode();
        try (StepMemory memory = new StepMemory("test")) {
            Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.SCOPE_PANIC);
            INDArray leaked;
            try (MemoryWorkspace ignored = memory.enter()) {
                leaked = Nd4j.ones(DataType.FLOAT, 8);
            }
            assertThrows(RuntimeException.class, () -> leaked.add(1f));
        } finally {
            Nd4j.getExecutioner().setProfilingMode(before);
        }
    }

    @Test
    void closingGivesTheBlockBack() {
        StepMemory memory = new StepMemory("test");
        try (MemoryWorkspace ignored = memory.enter()) {
            Nd4j.ones(DataType.FLOAT, 1000);
        }
        memory.close();
        assertFalse(Nd4j.getWorkspaceManager().getAllWorkspacesIdsForCurrentThread().stream().anyMatch(id -> id.contains("test")));
    }
}
