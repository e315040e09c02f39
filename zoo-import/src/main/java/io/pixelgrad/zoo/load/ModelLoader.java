package io.pixelgrad.zoo.load;

import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.nn.Parameter;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.weights.OnnxNameMapper;
import io.pixelgrad.zoo.weights.StateDict;
import io.pixelgrad.zoo.weights.StateDictMatcher;
import io.pixelgrad.zoo.weights.WeightDType;
import io.pixelgrad.zoo.weights.WeightTensor;
import io.pixelgrad.zoo.weights.WeightsFormatException;
import io.pixelgrad.zoo.weights.WeightsReaders;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a {@link Classifier} from a model name (or "auto") and a weights file in any format pixelgrad reads.
 *
 * <p>"auto" recognizes the architecture by the file's key layout (which modules have weights: that tells AlexNet from
 * Caffe AlexNet from each VGG depth, with or without batch norm), then reads the number of classes from the last
 * layer and the width divisor from the hidden fully connected width. Every shape is then checked before anything is
 * loaded, and a mismatch is one line naming the file, the key and both shapes.
 *
 * <p>BatchNorm's {@code num_batches_tracked} is a training counter that the readers skip; the model keeps its own.
 * Weights are written straight into the model's freshly allocated parameter arrays, so a loaded VGG16 holds its
 * weights once (plus the file's pages, which the operating system can drop at any time).
 */
public final class ModelLoader {

    /** Model name meaning "recognize the architecture from the weights". */
    public static final String AUTO = "auto";

    private static final Pattern NAME = Pattern.compile("([a-z0-9_]+)(?:/([0-9]+))?");
    private static final String COUNTER = "num_batches_tracked";
    /** Width divisor of the probe models used to learn each architecture's key layout cheaply. */
    private static final int PROBE_DIVISOR = 16;
    private static volatile Map<String, Map<String, long[]>> layouts;

    private ModelLoader() {
    }

    /**
     * Reads a weights file of any supported format as state_dict keys: ONNX initializers are renamed, and the
     * "module." prefix that torch.nn.DataParallel puts on every key is removed.
     *
     * @throws WeightsFormatException if the file is unreadable, damaged or of no supported format
     */
    public static StateDict read(Path weights) throws WeightsFormatException {
        StateDict sd = WeightsReaders.detect(weights) == WeightsReaders.Format.ONNX ? OnnxNameMapper.readMapped(weights)
                : WeightsReaders.open(weights);
        return withoutDataParallelPrefix(sd);
    }

    /** The state_dict with "module." removed from every key, when every key has it (a DataParallel model's save). */
    public static StateDict withoutDataParallelPrefix(StateDict sd) {
        String prefix = "module.";
        if (sd.size() == 0 || !sd.keys().stream().allMatch(k -> k.startsWith(prefix))) return sd;
        Map<String, WeightTensor> renamed = new LinkedHashMap<>();
        for (WeightTensor t : sd.tensors().values()) {
            String key = t.name().substring(prefix.length());
            renamed.put(key, t.withName(key));
        }
        return new StateDict(sd.source(), renamed);
    }

    /**
     * Loads a model: {@code model} is "auto", an architecture name ("vgg16"), or a name with a width divisor
     * ("alexnet/16"); the number of classes always comes from the file.
     *
     * @throws WeightsFormatException if the file cannot be read or does not fit the architecture (one line naming the
     *     key and both shapes)
     */
    public static Classifier load(String model, Path weights) throws WeightsFormatException {
        return load(model, weights, (done, total) -> { });
    }

    /** Told how many weights (elements) are in place out of how many, after each tensor; for progress bars. */
    @FunctionalInterface
    public interface Listener {
        /** Called after each tensor is copied into the model. */
        void loaded(long doneElements, long totalElements);
    }

    /**
     * Like {@link #load(String, Path)}, reporting progress as tensors are copied in.
     *
     * @throws WeightsFormatException if the file cannot be read or does not fit the architecture
     */
    public static Classifier load(String model, Path weights, Listener listener) throws WeightsFormatException {
        return load(model, weights, DataType.FLOAT, listener);
    }

    /**
     * Loads a model that computes in the given type: FLOAT (float32, the default) or DOUBLE (float64, for exact
     * references). Stored float16, bfloat16 and float32 values widen to float64 exactly.
     *
     * @throws WeightsFormatException if the file cannot be read or does not fit the architecture
     */
    public static Classifier load(String model, Path weights, DataType dataType) throws WeightsFormatException {
        return load(model, weights, dataType, (done, total) -> { });
    }

    /**
     * Like {@link #load(String, Path, DataType)}, reporting progress as tensors are copied in.
     *
     * @throws WeightsFormatException if the file cannot be read or does not fit the architecture
     */
    public static Classifier load(String model, Path weights, DataType dataType, Listener listener) throws WeightsFormatException {
        try (StateDict sd = read(weights)) {
            return load(model, sd, dataType, listener);
        }
    }

    /**
     * Loads a model from an already read state_dict (see {@link #load(String, Path)}).
     *
     * @throws WeightsFormatException if no architecture fits the state_dict (one line naming the key and both shapes)
     */
    public static Classifier load(String model, StateDict sd) throws WeightsFormatException {
        return load(model, sd, DataType.FLOAT, (done, total) -> { });
    }

    /**
     * Loads a model from an already read state_dict, reporting progress.
     *
     * @throws WeightsFormatException if no architecture fits the state_dict
     */
    public static Classifier load(String model, StateDict sd, Listener listener) throws WeightsFormatException {
        return load(model, sd, DataType.FLOAT, listener);
    }

    /**
     * Loads a model computing in the given type (FLOAT or DOUBLE) from an already read state_dict, reporting progress.
     *
     * @throws WeightsFormatException if no architecture fits the state_dict
     */
    public static Classifier load(String model, StateDict sd, DataType dataType, Listener listener) throws WeightsFormatException {
        checkDataType(dataType);
        ArchitectureMatch m = AUTO.equalsIgnoreCase(model.strip()) ? recognize(sd) : named(model, sd);
        if (m.name() == null) throw new WeightsFormatException(m.problems().get(0));
        if (!m.problems().isEmpty()) throw mismatch(m, m.problems(), sd);
        // every weight is overwritten below (problems() checks that the file has all of them): no need to zero them first
        Classifier c = io.pixelgrad.autograd.nn.Allocation.uninitialized(
                () -> Architectures.create(m.name(), m.numClasses(), m.widthDivisor(), key -> shapeOf(sd, key)));
        List<String> problems = problems(c, sd);
        if (!problems.isEmpty()) {
            release(c);
            throw mismatch(m, problems, sd);
        }
        if (dataType != DataType.FLOAT) convert(c, dataType);
        fill(c, sd, listener);
        return c;
    }

    /** The data types a model can compute in: FLOAT (float32) and DOUBLE (float64). */
    public static void checkDataType(DataType dataType) {
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE)
            throw new IllegalArgumentException("models compute in float32 or float64, not " + dataType);
    }

    /** Converts a freshly built model's arrays to another type, freeing the old ones at once. */
    private static void convert(Classifier c, DataType dataType) {
        List<INDArray> old = new ArrayList<>();
        c.parameters().values().forEach(p -> old.add(p.value()));
        c.buffers().values().forEach(b -> {
            if (b.dataType().isFPType()) old.add(b);
        });
        c.toDataType(dataType);
        for (INDArray a : old) io.pixelgrad.engine.Arrays.release(a);
    }

    private static WeightsFormatException mismatch(ArchitectureMatch m, List<String> problems, StateDict sd) {
        int more = problems.size() - 1;
        return new WeightsFormatException(problems.get(0) + " (for " + m.label() + (more > 0 ? "; and " + more
                + " more problems" : "") + ")" + hint(sd));
    }

    /**
     * Recognizes the architecture of a state_dict: the one whose key layout the file has; the result lists the shape
     * problems left (none when the file fits). With no matching layout, the name is null and the problem names the
     * closest architecture and what differs. Checking shapes builds the model once and frees it.
     */
    public static ArchitectureMatch infer(StateDict sd) {
        return withShapeProblems(recognize(sd), sd);
    }

    /** Compares a state_dict with a named architecture ("vgg16", "alexnet/16"), classes taken from the file. */
    public static ArchitectureMatch match(String model, StateDict sd) {
        return withShapeProblems(named(model, sd), sd);
    }

    private static ArchitectureMatch withShapeProblems(ArchitectureMatch m, StateDict sd) {
        if (m.name() == null || !m.problems().isEmpty()) return m;
        // only the shapes are compared: the arrays need no values
        Classifier c = io.pixelgrad.autograd.nn.Allocation.uninitialized(
                () -> Architectures.create(m.name(), m.numClasses(), m.widthDivisor(), key -> shapeOf(sd, key)));
        try {
            return new ArchitectureMatch(m.name(), m.numClasses(), m.widthDivisor(), problems(c, sd));
        } finally {
            release(c);
        }
    }

    /** The architecture, classes and width the key layout points to; problems only if those cannot be read. */
    private static ArchitectureMatch recognize(StateDict sd) {
        Set<String> keys = weightKeys(sd.keys());
        String best = null;
        int bestScore = Integer.MIN_VALUE;
        for (Map.Entry<String, Map<String, long[]>> e : layouts().entrySet()) {
            Set<String> expected = weightKeys(e.getValue().keySet());
            if (expected.equals(keys)) return dimensions(e.getKey(), sd);
            Set<String> common = new HashSet<>(expected);
            common.retainAll(keys);
            int score = 2 * common.size() - expected.size() - keys.size();
            if (score > bestScore) {
                bestScore = score;
                best = e.getKey();
            }
        }
        List<String> why = new ArrayList<>();
        String w = "weights " + sd.source();
        if (best == null || bestScore <= -keys.size()) {
            why.add(w + ": its keys match no known architecture (" + String.join(", ", Architectures.NAMES) + ")");
        } else {
            List<String> diff = keyDifferences(best, sd);
            why.add(w + ": its keys match no known architecture; closest is " + best + ", but " + diff.get(0)
                    + (diff.size() > 1 ? " (and " + (diff.size() - 1) + " more differences)" : ""));
        }
        return new ArchitectureMatch(null, 0, 0, why);
    }

    private static ArchitectureMatch named(String model, StateDict sd) {
        Matcher m = NAME.matcher(model.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || !layouts().containsKey(m.group(1)))
            throw new IllegalArgumentException("unknown model '" + model + "'; known: auto, " + String.join(", ", Architectures.NAMES));
        String name = m.group(1);
        int divisor = m.group(2) == null ? 1 : m.group(2).length() > 3 ? 0 : Integer.parseInt(m.group(2));
        // 64 is the narrowest first layer of any known architecture: beyond that a layer would have no channels.
        if (divisor < 1 || divisor > 64) throw new IllegalArgumentException("the width divisor in '" + model + "' must be 1 to 64");
        int classes = numClasses(name, sd);
        return new ArchitectureMatch(name, classes, divisor, classes > 0 ? List.of() : lastLayerProblem(name, sd));
    }

    private static ArchitectureMatch dimensions(String name, StateDict sd) {
        int classes = numClasses(name, sd);
        Map<String, long[]> probe = layouts().get(name);
        // Every known architecture's first hidden Linear is 4096 wide at full size: the file's width gives the divisor.
        String hidden = linearKeys(probe).get(0);
        long probeWidth = probe.get(hidden)[0];
        WeightTensor t = sd.get(hidden);
        long fileWidth = t == null || t.shape().length != 2 ? 0 : t.shape()[0];
        int divisor = 1;
        if (fileWidth > 0 && (probeWidth * PROBE_DIVISOR) % fileWidth == 0) divisor = (int) (probeWidth * PROBE_DIVISOR / fileWidth);
        return new ArchitectureMatch(name, classes, divisor, classes > 0 ? List.of() : lastLayerProblem(name, sd));
    }

    private static List<String> lastLayerProblem(String name, StateDict sd) {
        List<String> linear = linearKeys(layouts().get(name));
        String last = linear.get(linear.size() - 1);
        WeightTensor t = sd.get(last);
        return List.of("weights " + sd.source() + ": " + (t == null ? "missing key " + last + " (the last layer's weight)"
                : "key " + last + " has shape " + java.util.Arrays.toString(t.shape()) + ", the model expects [classes, features]"));
    }

    /** A key's shape in the file, or null (the small networks read their input size from it). */
    private static long[] shapeOf(StateDict sd, String key) {
        WeightTensor t = sd.get(key);
        return t == null ? null : t.shape();
    }

    /** Every mismatch between the file and the model's parameters and buffers (training counters excepted). */
    private static List<String> problems(Classifier c, StateDict sd) {
        StateDictMatcher matcher = new StateDictMatcher();
        c.stateShapes().forEach((k, v) -> {
            if (!isCounter(k)) matcher.expect(k, v);
        });
        return matcher.problems(sd);
    }

    /** Frees a model's off-heap arrays now: a full-size model that does not fit should not wait for the GC. */
    private static void release(Module m) {
        for (Parameter p : m.parameters().values()) io.pixelgrad.engine.Arrays.release(p.value());
        for (INDArray b : m.buffers().values()) io.pixelgrad.engine.Arrays.release(b);
    }

    private static int numClasses(String name, StateDict sd) {
        List<String> linear = linearKeys(layouts().get(name));
        WeightTensor t = sd.get(linear.get(linear.size() - 1));
        if (t == null || t.shape().length != 2 || t.shape()[0] < 1 || t.shape()[0] > Integer.MAX_VALUE) return 0;
        return (int) t.shape()[0];
    }

    private static List<String> linearKeys(Map<String, long[]> layout) {
        List<String> out = new ArrayList<>();
        layout.forEach((k, v) -> {
            if (k.startsWith("classifier.") && k.endsWith(".weight") && v.length == 2) out.add(k);
        });
        return out;
    }

    private static List<String> keyDifferences(String name, StateDict sd) {
        Set<String> expected = weightKeys(layouts().get(name).keySet());
        Set<String> keys = weightKeys(sd.keys());
        List<String> out = new ArrayList<>();
        for (String k : expected) if (!keys.contains(k)) out.add("key " + k + " is missing");
        for (String k : keys) if (!expected.contains(k)) out.add("key " + k + " is unexpected");
        return out;
    }

    private static Set<String> weightKeys(Set<String> keys) {
        Set<String> out = new java.util.TreeSet<>();
        for (String k : keys) if (!isCounter(k)) out.add(k);
        return out;
    }

    private static boolean isCounter(String key) {
        return key.equals(COUNTER) || key.endsWith("." + COUNTER);
    }

    /** Each architecture's state_dict keys and probe shapes, from narrow copies (a few hundred kB in all). */
    private static Map<String, Map<String, long[]>> layouts() {
        Map<String, Map<String, long[]>> l = layouts;
        if (l == null) {
            synchronized (ModelLoader.class) {
                if (layouts == null) {
                    Map<String, Map<String, long[]>> all = new LinkedHashMap<>();
                    for (String name : Architectures.NAMES) {
                        Classifier probe = Architectures.create(name, 10, PROBE_DIVISOR);
                        all.put(name, probe.stateShapes());
                        release(probe);
                    }
                    layouts = all;
                }
                l = layouts;
            }
        }
        return l;
    }

    // Exporters that fold batch norm into the convolutions leave "onnx::Conv_12"-style names behind.
    private static String hint(StateDict sd) {
        for (String k : sd.keys()) {
            if (k.startsWith("onnx::"))
                return "; the ONNX exporter folded or renamed layers (batch norm is folded in eval mode): export with"
                        + " training=TrainingMode.PRESERVE, or load the .pth";
        }
        return "";
    }

    /** Reads a tensor stored in the model's own type straight from its file into the array's buffer, if it can. */
    private static boolean readDirect(WeightTensor src, INDArray dst, WeightDType as) throws WeightsFormatException {
        java.nio.ByteBuffer bytes = dst.data().asNio();
        bytes.clear();
        try {
            return src.readInto(bytes, as);
        } catch (java.io.IOException e) {
            throw new WeightsFormatException("weights: reading " + src.name() + " failed: " + e.getMessage(), e);
        }
    }

    /** Copies every tensor of the state_dict into the model's own arrays (float32 or float64, converted from the file's dtype). */
    private static void fill(Classifier c, StateDict sd, Listener listener) throws WeightsFormatException {
        Map<String, INDArray> targets = new LinkedHashMap<>();
        c.parameters().forEach((k, p) -> targets.put(k, p.value()));
        c.buffers().forEach((k, b) -> {
            if (!isCounter(k)) targets.put(k, b);
        });
        long total = 0, done = 0;
        for (INDArray a : targets.values()) total += a.length();
        for (Map.Entry<String, INDArray> e : targets.entrySet()) {
            INDArray dst = e.getValue();
            WeightTensor src = sd.require(e.getKey());
            boolean plain = dst.ordering() == 'c' && dst.offset() == 0 && !dst.isView() && dst.length() == src.numel();
            if (plain && dst.dataType() == DataType.FLOAT && readDirect(src, dst, WeightDType.F32)) {
                // straight from the file into the model's array
            } else if (plain && dst.dataType() == DataType.DOUBLE && readDirect(src, dst, WeightDType.F64)) {
                // likewise for float64 weights in a float64 model
            } else if (plain && dst.dataType() == DataType.FLOAT) {
                FloatBuffer fb = dst.data().asNioFloat();
                fb.clear();
                src.copyTo(fb);
            } else if (plain && dst.dataType() == DataType.DOUBLE) {
                DoubleBuffer db = dst.data().asNioDouble();
                db.clear();
                src.copyTo(db);
            } else {
                throw new IllegalStateException("model array " + e.getKey() + " is not a plain float32 or float64 array");
            }
            done += dst.length();
            listener.loaded(done, total);
        }
    }
}
