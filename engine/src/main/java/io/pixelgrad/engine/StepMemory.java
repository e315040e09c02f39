package io.pixelgrad.engine;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.Supplier;

/**
 * One block of off-heap memory, reused by every repetition of a step whose arrays all die with the step (a training
 * step: forward, loss, backward). ND4J otherwise asks the system for fresh, zero-filled pages for every array; on a
 * small network that page-faulting and zeroing took a sixth of a training step.
 *
 * <p>Inside {@link #enter}, every new array on this thread is carved from the block and becomes invalid when the
 * scope closes: copy what must outlive the step into arrays made before it (or inside {@link #outside}), and make
 * caches inside {@link #outside}. ND4J's scope checks ({@code OpExecutioner.ProfilingMode.SCOPE_PANIC}, its default)
 * refuse an ND4J op on an array whose step is over; Java loops that read a buffer directly are not checked.
 */
public final class StepMemory implements AutoCloseable {

    private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0)
            .overallocationLimit(0.2)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP)  // the first step measures, later steps reuse one block
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)        // a larger step grows the block for the next one
            .build();

    private final String id;

    /** Memory for the steps of one loop, named so that two loops on one thread keep separate blocks. */
    public StepMemory(String name) {
        this.id = "pixelgrad-" + name + "-" + System.identityHashCode(this);
    }

    /** Opens one step's scope on the calling thread; closing it makes the step's arrays invalid. */
    public MemoryWorkspace enter() {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, id);
    }

    /** Runs make with no step scope active: for arrays that must outlive the step (caches, state). */
    public static <T> T outside(Supplier<T> make) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return make.get();
        }
    }

    /** Gives the block back to the system (call on the thread that ran the steps). */
    @Override
    public void close() {
        var manager = Nd4j.getWorkspaceManager();
        if (manager.checkIfWorkspaceExists(id)) manager.destroyWorkspace(manager.getWorkspaceForCurrentThread(id));
    }
}
