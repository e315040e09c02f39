package io.pixelgrad.zoo.weights;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

/**
 * A razorvine unpickler that understands exactly what a PyTorch state_dict pickle contains and refuses the rest.
 *
 * <p>Razorvine never runs Python, but by default it turns any unknown global into a {@code ClassDict}, so a
 * hostile pickle would load "successfully" as garbage. Here every opcode that can name a global or build an
 * arbitrary object is intercepted in {@link #dispatch(short)}: only the allow-listed globals below become
 * objects, and only our own constructors. The static constructor registry of razorvine is never consulted
 * or modified, so this class does not affect other unpickler users in the same JVM.
 */
final class SafeUnpickler extends Unpickler {

    /** Raised for content that is refused; the message is user-facing and lacks the file name (added by the caller). */
    static final class Refused extends PickleException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** A torch storage class named by the pickle, e.g. torch.FloatStorage; dtype is null for types we do not read. */
    record StorageType(String pythonName, WeightDType dtype, int elementSize) {
    }

    /** What a persistent id resolves to: one storage of the file, by key. */
    record StorageRef(StorageType type, String key, long numel) {
    }

    /** A tensor as the pickle describes it; turned into a {@link WeightTensor} once storages are located. */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] strides) {
    }

    /** Python's collections.OrderedDict: keeps insertion order like the Python one. */
    static final class PyOrderedDict extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
    }

    private static final Map<String, StorageType> STORAGES = new TreeMap<>();

    static {
        STORAGES.put("torch.FloatStorage", new StorageType("torch.FloatStorage", WeightDType.F32, 4));
        STORAGES.put("torch.HalfStorage", new StorageType("torch.HalfStorage", WeightDType.F16, 2));
        STORAGES.put("torch.BFloat16Storage", new StorageType("torch.BFloat16Storage", WeightDType.BF16, 2));
        STORAGES.put("torch.DoubleStorage", new StorageType("torch.DoubleStorage", WeightDType.F64, 8));
        // Known torch storages whose dtype we cannot load: named so the error says "unsupported dtype", not "forbidden".
        String[][] unsupported = {{"Long", "8"}, {"Int", "4"}, {"Short", "2"}, {"Char", "1"}, {"Byte", "1"},
                {"Bool", "1"}, {"ComplexFloat", "8"}, {"ComplexDouble", "16"}, {"QInt8", "1"}, {"QUInt8", "1"},
                {"QInt32", "4"}};
        for (String[] u : unsupported) {
            String n = "torch." + u[0] + "Storage";
            STORAGES.put(n, new StorageType(n, null, Integer.parseInt(u[1])));
        }
    }

    /** The globals a state_dict pickle may name, for error messages. */
    static final String ALLOWED = "collections.OrderedDict, torch._utils._rebuild_tensor_v2, "
            + "torch._utils._rebuild_tensor, torch._utils._rebuild_parameter, torch.*Storage";

    private static final int MAX_NAME = 200;
    // Python refuses int <-> str conversions over 4300 digits for the same reason (quadratic time); 4300 digits are
    // about 1786 bytes. A state_dict's largest integer is the legacy format's 80-bit magic number.
    private static final int MAX_INT_DIGITS = 4300;
    private static final int MAX_INT_BYTES = 1786;

    private final boolean allowGlobals;
    private final Map<String, StorageRef> storages = new LinkedHashMap<>();

    /** Creates an unpickler; {@code allowGlobals} false refuses every global (for the legacy header pickles). */
    SafeUnpickler(boolean allowGlobals) {
        this.allowGlobals = allowGlobals;
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key & 0xff) {
            case 'c': // GLOBAL: "module\nname\n"
                pushGlobal(readName(), readName());
                return NO_RETURN_VALUE;
            case 0x93: { // STACK_GLOBAL
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String) || !(name instanceof String)) {
                    throw new Refused("STACK_GLOBAL with non-string module or name");
                }
                pushGlobal((String) module, (String) name);
                return NO_RETURN_VALUE;
            }
            case 'b': { // BUILD: only the state PyTorch attaches to OrderedDict (_metadata) and tensors is accepted, and ignored
                Object state = stack.pop();
                Object target = stack.peek();
                if (!(target instanceof PyOrderedDict) && !(target instanceof TensorRef)) {
                    throw new Refused("BUILD on " + describe(target) + " is not allowed in a state_dict");
                }
                return NO_RETURN_VALUE;
            }
            case 's': { // SETITEM
                Object value = stack.pop();
                Object k = stack.pop();
                Object target = stack.peek();
                if (!(target instanceof Map)) {
                    throw new Refused("SETITEM on " + describe(target));
                }
                @SuppressWarnings("unchecked")
                Map<Object, Object> m = (Map<Object, Object>) target;
                m.put(hashable(k), value);
                return NO_RETURN_VALUE;
            }
            case 0x90: { // ADDITEMS
                List<Object> items = stack.pop_all_since_marker();
                Object target = stack.peek();
                if (!(target instanceof Set)) {
                    throw new Refused("ADDITEMS on " + describe(target));
                }
                @SuppressWarnings("unchecked")
                Set<Object> set = (Set<Object>) target;
                for (Object o : items) {
                    set.add(hashable(o));
                }
                return NO_RETURN_VALUE;
            }
            case 0x91: { // FROZENSET
                List<Object> items = stack.pop_all_since_marker();
                Set<Object> set = new HashSet<>();
                for (Object o : items) {
                    set.add(hashable(o));
                }
                stack.add(set);
                return NO_RETURN_VALUE;
            }
            case '}': // EMPTY_DICT: keep key order (razorvine would use a HashMap)
                stack.add(new LinkedHashMap<Object, Object>());
                return NO_RETURN_VALUE;
            case 'd': { // DICT
                List<Object> items = stack.pop_all_since_marker();
                if (items.size() % 2 != 0) {
                    throw new Refused("DICT with an odd number of items");
                }
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < items.size(); i += 2) {
                    m.put(hashable(items.get(i)), items.get(i + 1));
                }
                stack.add(m);
                return NO_RETURN_VALUE;
            }
            case 'u': { // SETITEMS: razorvine collects the pairs in a HashMap first, losing the file's key order
                List<Object> items = stack.pop_all_since_marker();
                Object target = stack.peek();
                if (!(target instanceof Map) || items.size() % 2 != 0) {
                    throw new Refused("SETITEMS on " + describe(target));
                }
                @SuppressWarnings("unchecked")
                Map<Object, Object> m = (Map<Object, Object>) target;
                for (int i = 0; i < items.size(); i += 2) {
                    m.put(hashable(items.get(i)), items.get(i + 1));
                }
                return NO_RETURN_VALUE;
            }
            case 'i': // INST
            case 'o': // OBJ
            case 0x81: // NEWOBJ
            case 0x92: // NEWOBJ_EX
            case 0x82: // EXT1
            case 0x83: // EXT2
            case 0x84: // EXT4
                throw new Refused("pickle opcode 0x" + Integer.toHexString(key & 0xff)
                        + " (object construction) is not allowed in a state_dict");
            case 'T': // BINSTRING
            case 'X': // BINUNICODE
            case 'B': // BINBYTES
                checkLength(4);
                break;
            case 0x8b: // LONG4
                if (checkLength(4) > MAX_INT_BYTES) {
                    throw new Refused("integer of more than " + MAX_INT_BYTES + " bytes, which a state_dict never holds");
                }
                break;
            case 'L': // LONG, as decimal text: parsing n digits costs n^2 (3 MB of digits take minutes), as in Python
                checkLineLength(MAX_INT_DIGITS + 2);
                break;
            case 0x8d: // BINUNICODE8
            case 0x8e: // BINBYTES8
            case 0x96: // BYTEARRAY8
                checkLength(8);
                break;
            default:
                break;
        }
        return super.dispatch(key);
    }

    /**
     * Refuses dict keys and set elements that Python cannot hash (dicts, lists, sets): only a corrupt or hostile pickle
     * has them, and hashing a Java collection recurses into it, without end when a pickle makes it contain itself.
     */
    private static Object hashable(Object key) {
        if (key instanceof Map || key instanceof List || key instanceof Set) {
            throw new Refused("corrupt pickle: " + describe(key) + " used as a dict key or set element (unhashable in Python)");
        }
        return key;
    }

    // A hostile length prefix would make razorvine allocate that many bytes before noticing the input is short.
    private long checkLength(int width) throws IOException {
        if (!input.markSupported()) {
            throw new IllegalStateException("SafeUnpickler needs an input that supports mark()");
        }
        input.mark(width);
        byte[] b = input.readNBytes(width);
        input.reset();
        if (b.length < width) {
            throw new Refused("truncated pickle");
        }
        long len = 0;
        for (int i = width - 1; i >= 0; i--) {
            len = (len << 8) | (b[i] & 0xff);
        }
        if (len < 0 || len > input.available() - width) {
            throw new Refused("truncated pickle: a string or bytes of length " + len + " runs past the end");
        }
        return len;
    }

    // Looks ahead for the newline that ends a text operand, refusing operands longer than max characters.
    private void checkLineLength(int max) throws IOException {
        input.mark(max + 1);
        byte[] b = input.readNBytes(max + 1);
        input.reset();
        for (byte c : b) {
            if (c == '\n') {
                return;
            }
        }
        throw new Refused(b.length > max ? "integer of more than " + MAX_INT_DIGITS + " digits, which a state_dict never holds"
                : "truncated pickle in a decimal integer");
    }

    private String readName() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = input.read();
            if (c < 0) {
                throw new Refused("truncated pickle in a GLOBAL name");
            }
            if (c == '\n') {
                return sb.toString();
            }
            if (sb.length() >= MAX_NAME) {
                throw new Refused("GLOBAL name longer than " + MAX_NAME + " characters");
            }
            sb.append((char) c);
        }
    }

    private void pushGlobal(String module, String name) {
        String full = module + "." + name;
        if (allowGlobals) {
            IObjectConstructor c = constructorFor(full);
            if (c != null) {
                stack.add(c);
                return;
            }
            StorageType st = STORAGES.get(full);
            if (st != null) {
                stack.add(st);
                return;
            }
        }
        throw new Refused("pickle refers to global " + printable(full)
                + ", which a state_dict never needs; refused and not executed (allowed: " + ALLOWED + ")");
    }

    private static IObjectConstructor constructorFor(String full) {
        switch (full) {
            case "collections.OrderedDict":
                return args -> {
                    PyOrderedDict d = new PyOrderedDict();
                    if (args.length == 1 && args[0] instanceof List) {
                        for (Object kv : (List<?>) args[0]) {
                            Object[] pair = asTuple(kv, "OrderedDict item");
                            if (pair.length != 2) {
                                throw new Refused("OrderedDict item is not a pair");
                            }
                            d.put(hashable(pair[0]), pair[1]);
                        }
                    } else if (args.length != 0) {
                        throw new Refused("OrderedDict called with " + args.length + " arguments");
                    }
                    return d;
                };
            case "torch._utils._rebuild_tensor_v2":
                return args -> {
                    if (args.length < 4 || args.length > 7) {
                        throw new Refused("_rebuild_tensor_v2 called with " + args.length + " arguments");
                    }
                    return tensor(args);
                };
            case "torch._utils._rebuild_tensor":
                return args -> {
                    if (args.length != 4) {
                        throw new Refused("_rebuild_tensor called with " + args.length + " arguments");
                    }
                    return tensor(args);
                };
            case "torch._utils._rebuild_parameter":
                return args -> {
                    if (args.length < 1 || args.length > 3 || !(args[0] instanceof TensorRef)) {
                        throw new Refused("_rebuild_parameter called without a tensor");
                    }
                    return args[0];
                };
            default:
                return null;
        }
    }

    private static TensorRef tensor(Object[] args) {
        if (!(args[0] instanceof StorageRef)) {
            throw new Refused("tensor rebuilt from " + describe(args[0]) + " instead of a storage");
        }
        long offset = asLong(args[1], "storage offset");
        long[] shape = asLongs(args[2], "size");
        long[] strides = asLongs(args[3], "stride");
        return new TensorRef((StorageRef) args[0], offset, shape, strides);
    }

    @Override
    protected Object persistentLoad(Object pid) {
        // zip: ('storage', type, key, location, numel); legacy: the same plus view_metadata (must be None).
        Object[] t = asTuple(pid, "persistent id");
        if (t.length < 5 || !"storage".equals(t[0])) {
            throw new Refused("persistent id is not a storage reference");
        }
        if (!(t[1] instanceof StorageType)) {
            throw new Refused("persistent id names " + describe(t[1]) + " instead of a torch storage type");
        }
        if (!(t[2] instanceof String)) {
            throw new Refused("persistent id has a non-string storage key");
        }
        if (t.length > 5 && t[5] != null) {
            throw new Refused("storage views (very old PyTorch legacy format) are not supported");
        }
        long numel = asLong(t[4], "storage size");
        if (numel < 0) {
            throw new Refused("negative storage size " + numel);
        }
        StorageRef ref = new StorageRef((StorageType) t[1], (String) t[2], numel);
        StorageRef seen = storages.putIfAbsent(ref.key(), ref);
        if (seen != null && !seen.equals(ref)) {
            throw new Refused("storage " + printable(ref.key()) + " is declared twice with different types or sizes");
        }
        return ref;
    }

    /** Every storage the pickle referenced, by key, in first-seen order. */
    Map<String, StorageRef> storages() {
        return storages;
    }

    static Object[] asTuple(Object o, String what) {
        if (o instanceof Object[]) {
            return (Object[]) o;
        }
        if (o instanceof List) {
            return ((List<?>) o).toArray();
        }
        throw new Refused(what + " is " + describe(o) + ", not a tuple");
    }

    static long asLong(Object o, String what) {
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        if (o instanceof BigInteger) {
            BigInteger b = (BigInteger) o;
            if (b.bitLength() < 64) {
                return b.longValue();
            }
            throw new Refused(what + " " + b + " does not fit in 64 bits");
        }
        throw new Refused(what + " is " + describe(o) + ", not an integer");
    }

    private static long[] asLongs(Object o, String what) {
        Object[] t = asTuple(o, what);
        if (t.length > 32) {
            throw new Refused(what + " has " + t.length + " dimensions");
        }
        long[] r = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            r[i] = asLong(t[i], what);
        }
        return r;
    }

    /** A short, printable description of a Python value's type, for messages. */
    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Object[]) {
            return "a tuple";
        }
        if (o instanceof List) {
            return "a list";
        }
        if (o instanceof Map) {
            return "a dict";
        }
        if (o instanceof String) {
            return "a str";
        }
        if (o instanceof Integer || o instanceof Long || o instanceof BigInteger) {
            return "an int (" + o + ")";
        }
        if (o instanceof Double) {
            return "a float";
        }
        if (o instanceof Boolean) {
            return "a bool";
        }
        if (o instanceof byte[]) {
            return "bytes";
        }
        if (o instanceof TensorRef) {
            return "a tensor";
        }
        if (o instanceof StorageType) {
            return ((StorageType) o).pythonName();
        }
        if (o instanceof StorageRef) {
            return "a storage";
        }
        if (o instanceof Set) {
            return "a set";
        }
        return "a " + o.getClass().getSimpleName();
    }

    /** Keeps hostile names printable and short in messages. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 120; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }

    /**
     * Unpickles one pickle from {@code in}, which must support mark/reset and report exact available(); a malformed
     * pickle is a {@link PickleException} ({@link Refused} for what the allow-list refuses), never another exception.
     */
    @Override
    public Object load(InputStream in) throws IOException {
        if (!in.markSupported()) {
            throw new IllegalArgumentException("SafeUnpickler needs an input that supports mark()");
        }
        try {
            return super.load(in);
        } catch (PickleException e) {
            throw e;
        } catch (RuntimeException e) {
            // Razorvine trusts the opcode stream: a stack underflow or an operand of the wrong type surfaces as
            // whatever the JDK throws (IndexOutOfBounds, ClassCast, ...), which means a corrupt pickle.
            Refused r = new Refused("corrupt pickle (" + e.getClass().getSimpleName() + " in the unpickler)");
            r.initCause(e);
            throw r;
        }
    }
}
