package io.pixelgrad.zoo.weights;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Reads PyTorch {@code torch.save} files: the zip format (PyTorch 1.6+) and the legacy format, through
 * {@link SafeUnpickler}'s allow-list. Storages are memory-mapped read-only in place; nothing is copied.
 */
final class PyTorchReader implements WeightsReader {
    /** The number the legacy format starts with (pickled as a Python long). */
    static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final int LEGACY_PROTOCOL = 1001;
    // data.pkl of a state_dict is kilobytes; a limit keeps a hostile archive from filling the heap.
    private static final int MAX_PICKLE_BYTES = 256 << 20;
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");

    /** Reads either PyTorch format, chosen by the file's first bytes. */
    @Override
    public StateDict read(Path file) throws WeightsFormatException {
        byte[] head = WeightsReaders.head(file, 4);
        if (head.length == 4 && head[0] == 'P' && head[1] == 'K') {
            return readZip(file);
        }
        return readLegacy(file);
    }

    /**
     * Reads the zip format: {@code PREFIX/data.pkl} plus one stored entry {@code PREFIX/data/KEY} per storage.
     *
     * @throws WeightsFormatException if the file is unreadable, damaged or asks the unpickler for anything off its
     *     allow-list
     */
    public StateDict readZip(Path file) throws WeightsFormatException {
        String w = Errors.where(file);
        try (ZipFile zip = ZipFile.builder().setPath(file).get();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            ZipArchiveEntry pkl = null;
            Map<String, ZipArchiveEntry> byName = new HashMap<>();
            for (Enumeration<ZipArchiveEntry> en = zip.getEntries(); en.hasMoreElements(); ) {
                ZipArchiveEntry e = en.nextElement();
                String name = e.getName();
                checkEntryName(w, name);
                byName.put(name, e);
                if (name.equals("data.pkl") || name.endsWith("/data.pkl")) {
                    if (pkl != null) {
                        throw new WeightsFormatException(w + ": zip holds two pickles, " + pkl.getName() + " and " + name);
                    }
                    pkl = e;
                }
            }
            if (pkl == null) {
                throw new WeightsFormatException(w + ": zip file without a data.pkl entry: not a PyTorch file");
            }
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            ZipArchiveEntry order = byName.get(prefix + "byteorder");
            if (order != null) {
                String bo = new String(readEntry(w, zip, order, 16), StandardCharsets.US_ASCII).trim();
                if (!bo.equals("little")) {
                    throw new WeightsFormatException(w + ": byte order '" + SafeUnpickler.printable(bo)
                            + "' is not supported (only little-endian files)");
                }
            }
            byte[] pickle = readEntry(w, zip, pkl, MAX_PICKLE_BYTES);
            checkCrc(w, pkl, ByteBuffer.wrap(pickle));
            SafeUnpickler u = new SafeUnpickler(true);
            Object root = u.load(new ByteArrayInputStream(pickle));
            Map<String, SafeUnpickler.TensorRef> refs = stateDictOf(w, root);
            Map<String, ByteBuffer> mapped = new HashMap<>();
            Map<String, WeightTensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, SafeUnpickler.TensorRef> r : refs.entrySet()) {
                SafeUnpickler.StorageRef s = r.getValue().storage();
                WeightDType dt = dtypeOf(w, r.getKey(), r.getValue());
                if (dt == null) {
                    continue;
                }
                ByteBuffer buf = mapped.get(s.key());
                if (buf == null) {
                    buf = mapZipStorage(w, r.getKey(), zip, byName, prefix, s, ch, fileSize);
                    mapped.put(s.key(), buf);
                }
                // stored uncompressed: the storage's bytes start at the entry's data offset
                long position = byName.get(prefix + "data/" + s.key()).getDataOffset();
                out.put(r.getKey(), view(w, r.getKey(), r.getValue(), dt, buf).withFile(file, position));
            }
            return new StateDict(file, out);
        } catch (Throwable t) {
            throw rethrow(file, "PyTorch zip", t);
        }
    }

    /**
     * Reads the legacy format: magic, protocol, sys info, the pickle, the storage keys, then the raw storages.
     *
     * @throws WeightsFormatException if the file is unreadable, damaged or asks the unpickler for anything off its
     *     allow-list
     */
    public StateDict readLegacy(Path file) throws WeightsFormatException {
        String w = Errors.where(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new WeightsFormatException(w + ": legacy .pth files over 2 GiB are not supported; re-save with torch.save (zip format)");
            }
            MappedByteBuffer all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            ByteBuffer buf = all.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            ByteBufferInputStream in = new ByteBufferInputStream(buf);
            Object magic = new SafeUnpickler(false).load(in);
            if (!LEGACY_MAGIC.equals(magic instanceof Number ? new BigInteger(magic.toString()) : null)) {
                throw new WeightsFormatException(w + ": not a PyTorch file (legacy magic number missing)");
            }
            Object protocol = new SafeUnpickler(false).load(in);
            if (!(protocol instanceof Integer) || (Integer) protocol != LEGACY_PROTOCOL) {
                throw new WeightsFormatException(w + ": unsupported legacy protocol version " + SafeUnpickler.describe(protocol));
            }
            Object sysInfo = new SafeUnpickler(false).load(in);
            if (!(sysInfo instanceof Map)) {
                throw new WeightsFormatException(w + ": legacy sys info is " + SafeUnpickler.describe(sysInfo) + ", not a dict");
            }
            if (!Boolean.TRUE.equals(((Map<?, ?>) sysInfo).get("little_endian"))) {
                throw new WeightsFormatException(w + ": big-endian legacy files are not supported");
            }
            SafeUnpickler u = new SafeUnpickler(true);
            Object root = u.load(in);
            Map<String, SafeUnpickler.TensorRef> refs = stateDictOf(w, root);
            Object keysObj = new SafeUnpickler(false).load(in);
            if (!(keysObj instanceof List)) {
                throw new WeightsFormatException(w + ": legacy storage key list is " + SafeUnpickler.describe(keysObj));
            }
            Map<String, ByteBuffer> storages = new HashMap<>();
            Map<String, Long> positions = new HashMap<>();
            for (Object k : (List<?>) keysObj) {
                SafeUnpickler.StorageRef s = k instanceof String ? u.storages().get(k) : null;
                if (s == null) {
                    throw new WeightsFormatException(w + ": legacy storage key " + SafeUnpickler.describe(k)
                            + " was not referenced by the pickle");
                }
                if (buf.remaining() < 8) {
                    throw new WeightsFormatException(w + ": truncated before storage " + s.key());
                }
                long numel = buf.getLong();
                if (numel != s.numel()) {
                    throw new WeightsFormatException(w + ": storage " + s.key() + " holds " + numel
                            + " elements but the pickle declared " + s.numel());
                }
                long bytes = storageBytes(w, s);
                if (bytes > buf.remaining()) {
                    throw new WeightsFormatException(w + ": truncated: storage " + s.key() + " needs " + bytes
                            + " bytes but only " + buf.remaining() + " remain");
                }
                ByteBuffer slice = all.duplicate();
                slice.position(buf.position()).limit(buf.position() + (int) bytes);
                storages.put(s.key(), slice.slice().order(ByteOrder.LITTLE_ENDIAN));
                positions.put(s.key(), (long) buf.position());
                buf.position(buf.position() + (int) bytes);
            }
            Map<String, WeightTensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, SafeUnpickler.TensorRef> r : refs.entrySet()) {
                WeightDType dt = dtypeOf(w, r.getKey(), r.getValue());
                if (dt == null) {
                    continue;
                }
                ByteBuffer sb = storages.get(r.getValue().storage().key());
                if (sb == null) {
                    throw new WeightsFormatException(w + ": key " + r.getKey() + " uses storage "
                            + r.getValue().storage().key() + " that the file does not contain");
                }
                out.put(r.getKey(), view(w, r.getKey(), r.getValue(), dt, sb)
                        .withFile(file, positions.get(r.getValue().storage().key())));
            }
            return new StateDict(file, out);
        } catch (Throwable t) {
            throw rethrow(file, "legacy PyTorch", t);
        }
    }

    private static WeightsFormatException rethrow(Path file, String format, Throwable t) {
        if (t instanceof Error && !(t instanceof StackOverflowError)) {
            throw (Error) t;
        }
        if (t instanceof java.util.zip.ZipException || t instanceof IOException && String.valueOf(t.getMessage()).contains("ZIP")) {
            return new WeightsFormatException(Errors.where(file) + ": truncated or corrupt zip archive ("
                    + SafeUnpickler.printable(String.valueOf(t.getMessage())) + ")", t);
        }
        return Errors.wrap(file, format, t);
    }

    private static void checkEntryName(String w, String name) throws WeightsFormatException {
        boolean bad = name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0
                || name.matches("^[A-Za-z]:.*");
        for (String part : name.split("/", -1)) {
            bad |= part.equals("..");
        }
        if (bad) {
            throw new WeightsFormatException(w + ": zip entry name '" + SafeUnpickler.printable(name)
                    + "' is a path outside the archive; refused");
        }
    }

    private static byte[] readEntry(String w, ZipFile zip, ZipArchiveEntry e, int limit) throws IOException, WeightsFormatException {
        // PyTorch stores entries uncompressed. commons-compress knows more methods, some only through optional
        // libraries that are absent here (zstd, xz: NoClassDefFoundError), so anything but stored and deflated is refused.
        if (e.getMethod() != ZipArchiveEntry.STORED && e.getMethod() != ZipArchiveEntry.DEFLATED) {
            throw new WeightsFormatException(w + ": zip entry " + SafeUnpickler.printable(e.getName()) + " uses compression method "
                    + e.getMethod() + "; PyTorch writes entries uncompressed (re-save with torch.save)");
        }
        try (InputStream in = zip.getInputStream(e)) {
            if (in == null) {
                throw new WeightsFormatException(w + ": zip entry " + e.getName() + " cannot be read");
            }
            byte[] b = in.readNBytes(limit + 1);
            if (b.length > limit) {
                throw new WeightsFormatException(w + ": zip entry " + e.getName() + " is larger than " + limit + " bytes");
            }
            return b;
        }
    }

    private static ByteBuffer mapZipStorage(String w, String tensorKey, ZipFile zip, Map<String, ZipArchiveEntry> byName,
                                            String prefix, SafeUnpickler.StorageRef s, FileChannel ch, long fileSize)
            throws IOException, WeightsFormatException {
        if (!STORAGE_KEY.matcher(s.key()).matches()) {
            throw new WeightsFormatException(w + ": key " + tensorKey + " names storage '"
                    + SafeUnpickler.printable(s.key()) + "', which is not a valid storage name");
        }
        ZipArchiveEntry e = byName.get(prefix + "data/" + s.key());
        if (e == null) {
            throw new WeightsFormatException(w + ": key " + tensorKey + " uses storage data/" + s.key()
                    + ", which the archive does not contain");
        }
        if (e.getMethod() != ZipArchiveEntry.STORED) {
            throw new WeightsFormatException(w + ": storage " + e.getName()
                    + " is compressed; PyTorch writes storages uncompressed (re-save with torch.save)");
        }
        long bytes = storageBytes(w, s);
        long off = e.getDataOffset();
        long entrySize = e.getSize();
        if (off < 0 || entrySize < 0 || off > fileSize || entrySize > fileSize - off) {
            throw new WeightsFormatException(w + ": storage " + e.getName() + " lies outside the file (truncated?)");
        }
        if (bytes > entrySize) {
            throw new WeightsFormatException(w + ": key " + tensorKey + ": storage " + e.getName() + " declares "
                    + s.numel() + " elements (" + bytes + " bytes) but holds " + entrySize + " bytes");
        }
        ByteBuffer entryData = ch.map(FileChannel.MapMode.READ_ONLY, off, entrySize);
        // The zip's CRC is the only integrity check a .pth has; CRC32 runs at several GB/s, a small price next to
        // silently corrupted weights. It reads the file through a small buffer rather than the mapped pages, which
        // would otherwise stay resident in the process (the page cache serves the later copy into the model).
        checkCrc(w, e, ch, off, entrySize);
        return entryData.slice(0, (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void checkCrc(String w, ZipArchiveEntry e, FileChannel ch, long position, long size)
            throws IOException, WeightsFormatException {
        if (e.getCrc() < 0) {
            return;
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        long done = 0;
        while (done < size) {
            chunk.clear();
            chunk.limit((int) Math.min(chunk.capacity(), size - done));
            int n = ch.read(chunk, position + done);
            if (n < 0) {
                throw new WeightsFormatException(w + ": zip entry " + SafeUnpickler.printable(e.getName()) + " is truncated");
            }
            chunk.flip();
            crc.update(chunk);
            done += n;
        }
        if (crc.getValue() != e.getCrc()) {
            throw new WeightsFormatException(w + ": zip entry " + SafeUnpickler.printable(e.getName())
                    + " fails its CRC check: the file is corrupt");
        }
    }

    private static void checkCrc(String w, ZipArchiveEntry e, ByteBuffer data) throws WeightsFormatException {
        if (e.getCrc() < 0) {
            return;
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        if (crc.getValue() != e.getCrc()) {
            throw new WeightsFormatException(w + ": zip entry " + SafeUnpickler.printable(e.getName())
                    + " fails its CRC check: the file is corrupt");
        }
    }

    private static long storageBytes(String w, SafeUnpickler.StorageRef s) throws WeightsFormatException {
        try {
            long bytes = Math.multiplyExact(s.numel(), (long) s.type().elementSize());
            if (bytes > Integer.MAX_VALUE) {
                throw new WeightsFormatException(w + ": storage " + s.key() + " declares " + s.numel()
                        + " elements, over the 2 GiB a single storage may have here");
            }
            return bytes;
        } catch (ArithmeticException e) {
            throw new WeightsFormatException(w + ": storage " + s.key() + " declares an absurd size " + s.numel());
        }
    }

    /** The tensor's dtype; null for BatchNorm's int64 counter, which is bookkeeping, not a weight, and is skipped. */
    private static WeightDType dtypeOf(String w, String key, SafeUnpickler.TensorRef t) throws WeightsFormatException {
        SafeUnpickler.StorageType st = t.storage().type();
        if (st.dtype() == null && isBatchNormCounter(key) && st.pythonName().equals("torch.LongStorage")) {
            return null;
        }
        if (st.dtype() == null) {
            throw new WeightsFormatException(w + ": key " + key + " with shape " + java.util.Arrays.toString(t.shape())
                    + " has unsupported dtype " + st.pythonName() + " (supported: float16, bfloat16, float32, float64)");
        }
        return st.dtype();
    }

    private static WeightTensor view(String w, String key, SafeUnpickler.TensorRef t, WeightDType dt, ByteBuffer storage)
            throws WeightsFormatException {
        return WeightTensor.checkedView(w, key, t.shape(), dt, storage, t.offset(), t.strides());
    }

    /** BatchNorm's num_batches_tracked: an int64 training counter present in every BN state_dict. */
    static boolean isBatchNormCounter(String key) {
        return key.equals("num_batches_tracked") || key.endsWith(".num_batches_tracked");
    }

    /**
     * Finds the name -> tensor map in an unpickled object: a state_dict itself, or a checkpoint dict that holds
     * one under "state_dict" or "model".
     */
    static Map<String, SafeUnpickler.TensorRef> stateDictOf(String w, Object root) throws WeightsFormatException {
        return stateDictOf(w, root, 0);
    }

    // A pickle can make a dict contain itself under "model": the depth limit keeps that from recursing without end.
    private static Map<String, SafeUnpickler.TensorRef> stateDictOf(String w, Object root, int depth) throws WeightsFormatException {
        if (depth > 4) {
            throw new WeightsFormatException(w + ": the pickle nests 'state_dict'/'model' dicts more than 4 deep, not a checkpoint");
        }
        if (!(root instanceof Map)) {
            throw new WeightsFormatException(w + ": the pickle holds " + SafeUnpickler.describe(root)
                    + ", not a state_dict (a dict of name -> tensor)");
        }
        Map<?, ?> m = (Map<?, ?>) root;
        for (String wrapper : List.of("state_dict", "model")) {
            if (m.get(wrapper) instanceof Map && !allTensors(m)) {
                return stateDictOf(w, m.get(wrapper), depth + 1);
            }
        }
        if (m.isEmpty()) {
            throw new WeightsFormatException(w + ": the pickle holds an empty dict, not a state_dict");
        }
        Map<String, SafeUnpickler.TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String)) {
                throw new WeightsFormatException(w + ": the pickle holds a dict with key " + SafeUnpickler.describe(e.getKey())
                        + ", not a state_dict (keys must be names)");
            }
            String k = SafeUnpickler.printable((String) e.getKey());
            if (!(e.getValue() instanceof SafeUnpickler.TensorRef)) {
                throw new WeightsFormatException(w + ": key " + k + " is " + SafeUnpickler.describe(e.getValue())
                        + ", not a tensor: not a state_dict (a checkpoint may wrap one under 'state_dict' or 'model')");
            }
            out.put((String) e.getKey(), (SafeUnpickler.TensorRef) e.getValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static boolean allTensors(Map<?, ?> m) {
        for (Object v : m.values()) {
            if (!(v instanceof SafeUnpickler.TensorRef)) {
                return false;
            }
        }
        return true;
    }
}
