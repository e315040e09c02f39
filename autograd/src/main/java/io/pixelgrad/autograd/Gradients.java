package io.pixelgrad.autograd;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.Set;

/** The result of a backward pass: gradients of leaves (inputs, trainable parameters) and of watched modules' outputs. */
public final class Gradients {

    private final Tape tape;
    private final Map<Tensor, INDArray> leaves;
    private final Map<String, INDArray> atModules;

    Gradients(Tape tape, Map<Tensor, INDArray> leaves, Map<String, INDArray> atModules) {
        this.tape = tape;
        this.leaves = leaves;
        this.atModules = atModules;
    }

    /** Gradient of a leaf tensor; zeros if no gradient reached it. Owned by the tape. */
    public INDArray of(Tensor leaf) {
        INDArray g = leaves.get(leaf);
        if (g != null) return g;
        if (!leaf.requiresGrad()) throw new IllegalArgumentException(leaf + " does not require a gradient");
        // A leaf no gradient reached (a parameter the pass never used): zeros, owned by the pass's tape.
        INDArray zero = Nd4j.zeros(leaf.dataType(), leaf.shape());
        leaves.put(leaf, tape.own(zero));
        return zero;
    }

    /** Gradient arriving at the output of a watched module, e.g. "features.29". */
    public INDArray atModule(String moduleName) {
        INDArray g = atModules.get(moduleName);
        if (g == null)
            throw new IllegalArgumentException("no gradient reached module '" + moduleName + "' (watched and reached: "
                    + atModules.keySet() + ")");
        return g;
    }

    /**
     * Frees this pass's gradients now instead of when the tape closes: for a tape kept to run many backward passes
     * (one per class or rule) over one recorded forward pass, which would otherwise grow by one set per pass. The
     * gradients may not be used afterwards.
     */
    public void release() {
        java.util.Set<INDArray> arrays = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        arrays.addAll(leaves.values());
        arrays.addAll(atModules.values());
        for (INDArray a : arrays) tape.release(a);
        leaves.clear();
        atModules.clear();
    }

    /** Names of the modules whose output gradients were recorded. */
    public Set<String> moduleNames() {
        return atModules.keySet();
    }
}
