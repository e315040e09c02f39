package io.pixelgrad.zoo.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.zoo.weights.SafetensorsFiles;
import io.pixelgrad.zoo.weights.WeightsFormatException;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a training run needs to continue after an epoch, in one safetensors file: the model's parameters and
 * buffers ("model."), the optimizer's state ("optimizer."), the per-epoch snapshots ("snapshot.N."), and in the
 * metadata the epochs done, the optimizer's step count, the options' identity and the history so far.
 */
public record Checkpoint(int epochsDone, int steps, String identity, List<EpochStats> history,
                         Map<String, INDArray> model, Map<String, INDArray> optimizer, List<Snapshot> snapshots) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The state of a trainer after epochsDone epochs, with the history and snapshots of those epochs. */
    public static Checkpoint of(Trainer t, int epochsDone, List<EpochStats> history, List<Snapshot> snapshots) {
        return new Checkpoint(epochsDone, t.optimizer().steps(), t.options().identity(), List.copyOf(history),
                t.modelState(), t.optimizer().state(), List.copyOf(snapshots));
    }

    /**
     * Writes the checkpoint as safetensors to out.
     *
     * @throws IOException if writing to out fails
     */
    public void write(OutputStream out) throws IOException {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        model.forEach((k, v) -> tensors.put("model." + k, v));
        optimizer.forEach((k, v) -> tensors.put("optimizer." + k, v));
        for (int i = 0; i < snapshots.size(); i++) {
            tensors.put("snapshot." + i + ".filters", snapshots.get(i).filters());
            tensors.put("snapshot." + i + ".activations", snapshots.get(i).activations());
        }
        List<Map<String, Object>> h = new ArrayList<>();
        for (EpochStats s : history) h.add(s.toMap());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pixelgrad checkpoint 1");
        meta.put("epochs_done", Integer.toString(epochsDone));
        meta.put("steps", Integer.toString(steps));
        meta.put("identity", identity);
        meta.put("history", JSON.writeValueAsString(h));
        SafetensorsFiles.write(out, tensors, meta);
    }

    /**
     * Reads a checkpoint written by {@link #write}; anything else is a one-line error.
     *
     * @throws WeightsFormatException if the file is unreadable or not a checkpoint pixelgrad wrote
     */
    public static Checkpoint read(Path file) throws WeightsFormatException {
        SafetensorsFiles.Contents c = SafetensorsFiles.read(file);
        Map<String, String> meta = c.metadata();
        if (!"pixelgrad checkpoint 1".equals(meta.get("format")))
            throw new WeightsFormatException("checkpoint " + file + ": not a pixelgrad training checkpoint");
        Map<String, INDArray> model = new LinkedHashMap<>(), optimizer = new LinkedHashMap<>();
        Map<Integer, INDArray[]> snaps = new java.util.TreeMap<>();
        c.tensors().forEach((k, v) -> {
            if (k.startsWith("model.")) model.put(k.substring(6), v);
            else if (k.startsWith("optimizer.")) optimizer.put(k.substring(10), v);
            else if (k.startsWith("snapshot.")) {
                String[] parts = k.split("\\.");
                INDArray[] pair = snaps.computeIfAbsent(Integer.parseInt(parts[1]), i -> new INDArray[2]);
                pair[parts[2].equals("filters") ? 0 : 1] = v;
            }
        });
        List<Snapshot> snapshots = new ArrayList<>();
        for (INDArray[] p : snaps.values()) snapshots.add(new Snapshot(p[0], p[1]));
        try {
            List<Map<String, Object>> h = JSON.readValue(meta.get("history"), new TypeReference<>() { });
            List<EpochStats> history = new ArrayList<>();
            for (Map<String, Object> m : h) history.add(EpochStats.fromMap(m));
            return new Checkpoint(Integer.parseInt(meta.get("epochs_done")), Integer.parseInt(meta.get("steps")),
                    meta.get("identity"), history, model, optimizer, snapshots);
        } catch (IOException | RuntimeException e) {
            throw new WeightsFormatException("checkpoint " + file + ": damaged metadata (" + e.getMessage() + ")", e);
        }
    }

    /** Puts the saved weights and optimizer state into a trainer made with the same options. */
    public void restore(Trainer t) {
        if (!identity.equals(t.options().identity()))
            throw new IllegalArgumentException("the checkpoint was written by a run with other options (" + identity
                    + "), not " + t.options().identity());
        Map<String, INDArray> target = t.modelState();
        if (!target.keySet().equals(model.keySet()))
            throw new IllegalArgumentException("the checkpoint holds another model's state");
        target.forEach((k, v) -> {
            INDArray src = model.get(k);
            if (!java.util.Arrays.equals(src.shape(), v.shape()) && src.length() != v.length())
                throw new IllegalArgumentException("checkpoint key " + k + " has shape " + java.util.Arrays.toString(src.shape())
                        + ", the model " + java.util.Arrays.toString(v.shape()));
            v.assign(src.castTo(v.dataType()).reshape(v.shape()));
        });
        t.optimizer().loadState(optimizer, steps);
    }
}
