package io.pixelgrad.autograd;

import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records one forward computation and runs backward passes over it.
 *
 * <p>Every function whose inputs need a gradient is appended in forward order; {@link #backward} walks that list in
 * reverse, handing each function the gradient that arrived at its output. A tape owns every array made during its
 * forward and backward passes and frees them all, deterministically, when closed: {@code dup()} what you keep.
 * Use one tape per pass and thread; the model's parameters are only read, so passes can run concurrently.
 */
public final class Tape implements AutoCloseable {

    private final List<Function> functions = new ArrayList<>();
    private final List<Tensor> outputs = new ArrayList<>();
    private final Set<INDArray> owned = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<String, Tensor> captured = new LinkedHashMap<>();
    private final Set<String> watched = new HashSet<>();
    private boolean watchAll;
    private boolean closed;

    /** A leaf on this tape that receives a gradient: the image being explained. The caller keeps ownership of value. */
    public Tensor input(INDArray value) {
        checkOpen();
        return new Tensor(value, null, this, true, "input");
    }

    /** A leaf on this tape that needs no gradient (its value stays the caller's). */
    public Tensor constant(INDArray value) {
        checkOpen();
        return new Tensor(value, null, this, false, null);
    }

    /** Asks modules with these names (e.g. "features.28") to record their outputs on this tape. */
    public Tape watch(String... moduleNames) {
        watched.addAll(List.of(moduleNames));
        return this;
    }

    /** Asks every module to record its output on this tape (for traces over all layers). */
    public Tape watchAll() {
        watchAll = true;
        return this;
    }

    /** Whether the module with this name should record its output. */
    public boolean isWatching(String moduleName) {
        return watchAll || watched.contains(moduleName);
    }

    /** Records the output of a named module (called by modules during forward). */
    public void capture(String moduleName, Tensor output) {
        captured.put(moduleName, output);
    }

    /** The recorded output of a watched module, or an error naming the modules that were recorded. */
    public Tensor output(String moduleName) {
        Tensor t = captured.get(moduleName);
        if (t == null)
            throw new IllegalArgumentException("no output recorded for module '" + moduleName + "'; recorded: " + captured.keySet());
        return t;
    }

    /** Whether the output of the named module has been recorded (so a forward pass may stop there). */
    public boolean hasOutput(String moduleName) {
        return captured.containsKey(moduleName);
    }

    /** Names of the modules whose outputs were recorded, in forward order. */
    public List<String> capturedNames() {
        return new ArrayList<>(captured.keySet());
    }

    /**
     * Makes the tensor a function produced: owned by this tape, and recorded for backward when any input needs a
     * gradient. A function nobody will differentiate frees what it saved at once.
     */
    Tensor record(Function function, INDArray value, Tensor[] inputs) {
        checkOpen();
        owned.add(value);
        boolean requiresGrad = false;
        for (Tensor in : inputs) requiresGrad |= in.requiresGrad();
        Tensor out = new Tensor(value, requiresGrad ? function : null, this, requiresGrad, null);
        if (requiresGrad) {
            functions.add(function);
            outputs.add(out);
        } else {
            function.release();
        }
        return out;
    }

    /** Backward pass from a scalar-like root with seed 1 everywhere (e.g. the sum that an objective produced). */
    public Gradients backward(Tensor root, ReluRule rule) {
        checkOpen();
        INDArray ones = root.value().ulike().assign(1);
        try {
            return backward(root, ones, rule);
        } finally {
            Arrays.release(ones);
        }
    }

    /**
     * Backward pass from root, whose gradient is seed (same shape; the caller keeps seed), with the given ReLU rule.
     * Returns the gradients of the leaves that need them and of the watched modules' outputs; they belong to this tape.
     */
    public Gradients backward(Tensor root, INDArray seed, ReluRule rule) {
        return backward(root, seed, rule, BackwardListener.NONE);
    }

    /** {@link #backward(Tensor, INDArray, ReluRule)}, reporting every step to a listener. */
    public Gradients backward(Tensor root, INDArray seed, ReluRule rule, BackwardListener listener) {
        return backward(root, seed, rule, listener, null, true);
    }

    /**
     * {@link #backward(Tensor, INDArray, ReluRule)} that keeps only the leaves' gradients: no copy of the gradient at
     * each watched module's output, for a tape that watches modules to show their activations.
     */
    public Gradients backwardToLeaves(Tensor root, INDArray seed, ReluRule rule) {
        return backward(root, seed, rule, BackwardListener.NONE, null, false);
    }

    /**
     * A backward pass that stops once the gradient has reached the given tensors (e.g. a layer's output for
     * Grad-CAM): functions that computed those tensors, or anything before them, are not run backwards.
     * {@code gradients.of(t)} and {@code atModule(name)} then hold the gradients at those tensors.
     */
    public Gradients backwardTo(Tensor root, INDArray seed, ReluRule rule, Tensor... targets) {
        java.util.Set<Tensor> wanted = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        wanted.addAll(List.of(targets));
        return backward(root, seed, rule, BackwardListener.NONE, wanted, true);
    }

    private Gradients backward(Tensor root, INDArray seed, ReluRule rule, BackwardListener listener, Set<Tensor> stopAt,
                               boolean atModuleOutputs) {
        checkOpen();
        if (root.tape() != this) throw new IllegalArgumentException("the root tensor was not computed on this tape");
        if (!java.util.Arrays.equals(root.shape(), seed.shape()))
            throw new IllegalArgumentException("seed shape " + Arrays.shapeText(seed.shape()) + " differs from the root's "
                    + Arrays.shapeText(root.shape()));
        Map<Tensor, INDArray> pending = new IdentityHashMap<>();
        pending.put(root, seed.dup());
        // One tensor may be the output of several modules (a Sequential and its last layer, Dropout at inference).
        Map<Tensor, List<String>> names = new IdentityHashMap<>();
        if (atModuleOutputs) captured.forEach((name, tensor) -> names.computeIfAbsent(tensor, t -> new ArrayList<>()).add(name));
        Map<String, INDArray> atModules = new LinkedHashMap<>();
        Set<Tensor> after = stopAt == null ? null : downstreamOf(stopAt);
        Map<Tensor, Integer> consumers = listener == BackwardListener.NONE || !listener.needsEveryStep() ? consumerCounts() : null;
        for (int i = functions.size() - 1; i >= 0; i--) {
            Tensor out = outputs.get(i);
            if (after != null && !after.contains(out)) continue;  // computed before the targets: not needed
            INDArray g = pending.remove(out);
            if (g == null) continue;
            for (String name : names.getOrDefault(out, List.of())) atModules.put(name, own(g.dup()));
            Function f = functions.get(i);
            long started = System.nanoTime();
            Function creator = consumers == null ? null : creatorToTakeAlong(f, consumers, pending, names, stopAt, after);
            INDArray[] inputGrads = creator == null ? null : f.backwardThroughCreatorOfInput(g, out.value(), rule);
            boolean tookCreatorAlong = inputGrads != null;
            if (!tookCreatorAlong) inputGrads = f.backward(g, rule);
            listener.onStep(f, g, inputGrads, System.nanoTime() - started);
            // after a shortcut both functions are done, and the gradients belong to the creator's inputs
            Tensor[] inputs = (tookCreatorAlong ? creator : f).inputs();
            boolean passedThrough = false;
            for (int j = 0; j < inputs.length; j++) {
                INDArray gi = inputGrads[j];
                if (gi == null || !inputs[j].requiresGrad()) {
                    if (gi != null && gi != g) Arrays.release(gi);
                    continue;
                }
                if (gi == g) {
                    if (passedThrough) gi = g.dup();
                    passedThrough = true;
                }
                INDArray existing = pending.get(inputs[j]);
                if (existing == null) {
                    pending.put(inputs[j], gi);
                } else {
                    existing.addi(gi);
                    if (gi != g) Arrays.release(gi);
                }
            }
            if (!passedThrough) Arrays.release(g);
        }
        Map<Tensor, INDArray> leaves = new IdentityHashMap<>();
        for (Map.Entry<Tensor, INDArray> e : pending.entrySet()) {
            own(e.getValue());
            for (String name : names.getOrDefault(e.getKey(), List.of())) atModules.put(name, e.getValue());
            leaves.put(e.getKey(), e.getValue());
        }
        return new Gradients(this, leaves, atModules);
    }

    /** How many recorded functions consume each tensor (a function that takes one tensor twice counts twice). */
    private Map<Tensor, Integer> consumerCounts() {
        Map<Tensor, Integer> counts = new IdentityHashMap<>();
        for (Function f : functions) for (Tensor in : f.inputs()) counts.merge(in, 1, Integer::sum);
        return counts;
    }

    /**
     * The creator of f's only input when f may go backwards through both in one step: the gradient at that input
     * comes from f alone and nobody asked for it (not the root, not a watched module's output, not a stopping point).
     */
    private static Function creatorToTakeAlong(Function f, Map<Tensor, Integer> consumers, Map<Tensor, INDArray> pending,
                                               Map<Tensor, List<String>> names, Set<Tensor> stopAt, Set<Tensor> after) {
        Tensor[] inputs = f.inputs();
        if (inputs.length != 1) return null;
        Tensor between = inputs[0];
        boolean alone = consumers.getOrDefault(between, 0) == 1 && !pending.containsKey(between) && !names.containsKey(between);
        boolean wanted = (stopAt != null && stopAt.contains(between)) || (after != null && !after.contains(between));
        return alone && !wanted ? between.creator() : null;
    }

    /** Outputs of the recorded functions that depend on any of the given tensors, which are excluded themselves. */
    private Set<Tensor> downstreamOf(Set<Tensor> sources) {
        Set<Tensor> reached = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < functions.size(); i++) {
            for (Tensor in : functions.get(i).inputs()) {
                if (sources.contains(in) || reached.contains(in)) {
                    reached.add(outputs.get(i));
                    break;
                }
            }
        }
        return reached;
    }

    /** Functions recorded for backward, in forward order (for teaching and traces). */
    public List<Function> functions() {
        return List.copyOf(functions);
    }

    /** Takes ownership of an array so that it is freed when the tape closes; returns it. */
    public INDArray own(INDArray array) {
        owned.add(array);
        return array;
    }

    /** Frees an array this tape owns before the tape closes (a released backward pass's gradients). */
    void release(INDArray array) {
        if (owned.remove(array)) Arrays.release(array);
    }

    /**
     * Frees a tensor of a forward-only chain as soon as the next layer has consumed it: when neither it nor what was
     * computed from it takes part in a backward pass, nothing watches it, and this tape owns it. Keeps forward-only
     * passes (occlusion batches, plain inference) at the size of two activations instead of all of them.
     */
    public void releaseConsumed(Tensor consumed, Tensor result) {
        if (closed || consumed.requiresGrad() || result.requiresGrad() || consumed.tape() != this) return;
        INDArray v = consumed.value();
        if (v == result.value() || !owned.contains(v)) return;
        for (Tensor t : captured.values()) if (t == consumed || t.value() == v) return;
        owned.remove(v);
        Arrays.release(v);
    }

    /** Whether {@link #close()} has run: this tape's tensors may no longer be used. */
    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("this tape is closed");
    }

    /** Frees every array made during this tape's passes. Tensors from this tape must not be used afterwards. */
    @Override
    public void close() {
        if (closed) return;
        try {
            // functions may still read their tensors' values while they free what they saved: mark closed afterwards
            for (Function f : functions) f.release();
            for (INDArray a : owned) Arrays.release(a);
            functions.clear();
            outputs.clear();
            owned.clear();
            captured.clear();
        } finally {
            closed = true;
        }
    }
}
