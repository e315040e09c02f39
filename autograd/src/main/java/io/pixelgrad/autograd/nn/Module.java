package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A layer or a composition of layers, named like PyTorch's modules so that a torchvision state_dict maps one-to-one
 * ("features.0.weight"). Modules hold parameters; every pass gets its own {@link Tape}, so modules are safe to use
 * from several threads at once.
 */
public abstract class Module {

    private String name = "";
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, INDArray> buffers = new LinkedHashMap<>();
    private boolean training;
    private java.util.Random random;

    /** Computes this module's output. */
    protected abstract Tensor compute(Tensor x);

    /** Runs the module; records its output on the tape when the tape watches this module's name. */
    public final Tensor forward(Tensor x) {
        Tensor y = compute(x);
        Tape tape = y.tape() != null ? y.tape() : x.tape();
        if (tape != null && tape.isWatching(name)) tape.capture(name, y);
        return y;
    }

    /** The full dotted name, e.g. "features.3" ("" for the root). */
    public final String name() {
        return name;
    }

    /** Registers a child under a local name ("0", "features") and names its subtree. Returns the child. */
    protected final <M extends Module> M addChild(String localName, M child) {
        children.put(localName, child);
        child.rename(qualify(localName));
        return child;
    }

    /** Registers a parameter (e.g. "weight"). Returns it. */
    protected final Parameter addParameter(String localName, INDArray value) {
        Parameter p = new Parameter(localName, value);
        parameters.put(localName, p);
        return p;
    }

    /** Registers a non-trainable state array that belongs in the state_dict (e.g. batch norm's running_mean). */
    protected final void addBuffer(String localName, INDArray value) {
        buffers.put(localName, value);
    }

    /** A registered buffer. */
    protected final INDArray buffer(String localName) {
        return buffers.get(localName);
    }

    final void rename(String newName) {
        name = newName;
        children.forEach((local, child) -> child.rename(qualify(local)));
    }

    private String qualify(String local) {
        return name.isEmpty() ? local : name + "." + local;
    }

    /** Direct children by local name. */
    public final Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    /** Every module of the subtree by full name, in registration order (the root itself under its own name). */
    public final Map<String, Module> modules() {
        Map<String, Module> all = new LinkedHashMap<>();
        all.put(name, this);
        for (Module c : children.values()) all.putAll(c.modules());
        return all;
    }

    /** Every parameter of the subtree by full name, e.g. "classifier.6.bias". */
    public final Map<String, Parameter> parameters() {
        Map<String, Parameter> all = new LinkedHashMap<>();
        parameters.forEach((local, p) -> all.put(qualify(local), p));
        for (Module c : children.values()) all.putAll(c.parameters());
        return all;
    }

    /** Every buffer of the subtree by full name, e.g. "features.1.running_var". */
    public final Map<String, INDArray> buffers() {
        Map<String, INDArray> all = new LinkedHashMap<>();
        buffers.forEach((local, b) -> all.put(qualify(local), b));
        for (Module c : children.values()) all.putAll(c.buffers());
        return all;
    }

    /**
     * Switches the subtree to training mode: dropout drops units, drawing from the given seeded generator, and batch
     * norm normalizes with each batch's statistics and updates its running ones. Modules are then no longer safe to
     * share between threads (batch norm writes its buffers).
     */
    public final void train(java.util.Random random) {
        if (random == null) throw new IllegalArgumentException("training mode needs a seeded generator for dropout");
        for (Module m : modules().values()) {
            m.training = true;
            m.random = random;
        }
    }

    /** Switches the subtree to inference mode, the default: dropout is the identity, batch norm uses running statistics. */
    public final void eval() {
        for (Module m : modules().values()) {
            m.training = false;
            m.random = null;
        }
    }

    /** Whether this module is in training mode. */
    public final boolean isTraining() {
        return training;
    }

    /** The generator training-mode randomness draws from (dropout masks); null in inference mode. */
    protected final java.util.Random random() {
        return random;
    }

    /** Freezes or unfreezes every parameter of the subtree. */
    public final void setTrainable(boolean trainable) {
        for (Parameter p : parameters().values()) p.setTrainable(trainable);
    }

    /** The expected state_dict: every parameter and buffer with its shape, by full name. */
    public final Map<String, long[]> stateShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        parameters().forEach((k, p) -> shapes.put(k, p.value().shape()));
        buffers().forEach((k, b) -> shapes.put(k, b.shape()));
        return shapes;
    }

    /**
     * Loads parameters and buffers from a state_dict. Every expected key must be present with its shape (batch norm's
     * num_batches_tracked counter may be absent: inference never reads it) and no other key may appear; the first problem is reported naming the key and both shapes, and nothing is changed.
     */
    public final void loadStateDict(Map<String, INDArray> state) {
        Map<String, long[]> expected = stateShapes();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            INDArray v = state.get(e.getKey());
            if (v == null && isCounter(e.getKey())) continue;
            if (v == null) throw new IllegalArgumentException("missing key " + e.getKey() + " (shape "
                    + java.util.Arrays.toString(e.getValue()) + ")");
            boolean bothScalars = v.length() == 1 && io.pixelgrad.engine.Arrays.length(e.getValue()) == 1;
            if (!java.util.Arrays.equals(v.shape(), e.getValue()) && !bothScalars)
                throw new IllegalArgumentException("key " + e.getKey() + " has shape " + java.util.Arrays.toString(v.shape())
                        + ", the model expects " + java.util.Arrays.toString(e.getValue()));
        }
        for (String k : state.keySet())
            if (!expected.containsKey(k)) throw new IllegalArgumentException("unexpected key " + k);
        // Copied into the model's own arrays: the caller keeps its arrays, and no second copy of the weights stays alive.
        parameters().forEach((k, p) -> p.value().assign(state.get(k).castTo(p.value().dataType()).reshape(p.value().shape())));
        buffers().forEach((k, b) -> {
            if (state.containsKey(k)) b.assign(state.get(k).castTo(b.dataType()).reshape(b.shape()));
        });
    }

    private static boolean isCounter(String key) {
        return key.endsWith("num_batches_tracked");
    }

    /** The floating-point type this module computes in: its parameters' type (float32 when it has none). */
    public final DataType dataType() {
        for (Parameter p : parameters().values()) return p.value().dataType();
        return DataType.FLOAT;
    }

    /** Converts every parameter and buffer to a data type (float64 for exact references and gradient checks). */
    public final void toDataType(DataType type) {
        for (Parameter p : parameters().values()) p.convert(type);
        for (Module m : modules().values()) m.buffers.replaceAll((k, b) -> b.dataType().isFPType() ? b.castTo(type) : b);
    }

    /** A one-line description for layer listings, e.g. "Conv2d(3, 64, kernel 11, stride 4, padding 2)". */
    public String describe() {
        return getClass().getSimpleName();
    }
}
