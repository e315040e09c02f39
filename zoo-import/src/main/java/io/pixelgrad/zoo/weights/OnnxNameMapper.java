package io.pixelgrad.zoo.weights;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renames ONNX initializers to torchvision state_dict keys.
 *
 * <p>Three namings are known: torchvision's own export (already {@code features.0.weight}: kept as is); the ONNX
 * model zoo's Caffe AlexNet ({@code conv1_w_0} ... {@code fc8_b_0}); and the zoo's Gluon VGG
 * ({@code vgg0_conv0_weight}, {@code vgg0_batchnorm0_gamma}, {@code vgg0_dense0_bias}). The tables below are data:
 * a layer list per naming, in network order, and the suffix map; adding a naming means adding rows, not code.
 */
public final class OnnxNameMapper {
    /**
     * Caffe AlexNet layer names, in order, with the module of pixelgrad's {@code caffe_alexnet} each one lands on
     * (Architectures.caffeAlexnet: LRN and pooling sit between the convolutions, fc6 is the classifier's first layer).
     */
    static final String[][] CAFFE_ALEXNET = {
        {"conv1", "features.0"}, {"conv2", "features.4"}, {"conv3", "features.8"}, {"conv4", "features.10"},
        {"conv5", "features.12"}, {"fc6", "classifier.0"}, {"fc7", "classifier.3"}, {"fc8", "classifier.6"},
    };

    /** Caffe2-style parameter suffixes. */
    static final String[][] CAFFE_SUFFIXES = {{"w_0", "weight"}, {"b_0", "bias"}};

    /** Gluon parameter suffixes (batch norm's gamma/beta are PyTorch's weight/bias). */
    static final String[][] GLUON_SUFFIXES = {
        {"weight", "weight"}, {"bias", "bias"}, {"gamma", "weight"}, {"beta", "bias"},
        {"running_mean", "running_mean"}, {"running_var", "running_var"},
    };

    /** torchvision's VGG configurations by number of conv layers: channels, 0 for a max-pool. */
    static final Map<Integer, int[]> VGG_CONFIGS = Map.of(
        8, new int[]{64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0},
        10, new int[]{64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0},
        13, new int[]{64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0},
        16, new int[]{64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0});

    /** torchvision VGG classifier: the Linear layers' indices. */
    static final String[] VGG_DENSE = {"classifier.0", "classifier.3", "classifier.6"};

    private static final Pattern CAFFE = Pattern.compile("([a-z]+[0-9]+)_(w_0|b_0)");
    private static final Pattern GLUON = Pattern.compile("vgg[0-9]+_(conv|batchnorm|dense)([0-9]+)_(weight|bias|gamma|beta|running_mean|running_var)");

    private final Map<String, String> table;
    private final String naming;

    private OnnxNameMapper(String naming, Map<String, String> table) {
        this.naming = naming;
        this.table = table;
    }

    /** Recognizes the naming of a set of ONNX initializer names and builds the mapping for it. */
    public static OnnxNameMapper forNames(Collection<String> names) {
        if (!names.isEmpty() && names.stream().allMatch(n -> CAFFE.matcher(n).matches())) {
            Map<String, String> layers = table(CAFFE_ALEXNET);
            Map<String, String> suffix = table(CAFFE_SUFFIXES);
            Map<String, String> t = new LinkedHashMap<>();
            for (String n : names) {
                Matcher m = CAFFE.matcher(n);
                m.matches();
                String layer = layers.get(m.group(1));
                if (layer != null) {
                    t.put(n, layer + "." + suffix.get(m.group(2)));
                }
            }
            return new OnnxNameMapper("caffe-alexnet", t);
        }
        if (!names.isEmpty() && names.stream().allMatch(n -> GLUON.matcher(n).matches())) {
            return gluonVgg(names);
        }
        return new OnnxNameMapper("torchvision", Map.of());
    }

    private static OnnxNameMapper gluonVgg(Collection<String> names) {
        TreeMap<Integer, Boolean> convs = new TreeMap<>();
        boolean bn = false;
        for (String n : names) {
            Matcher m = GLUON.matcher(n);
            m.matches();
            if (m.group(1).equals("conv")) {
                convs.put(Integer.parseInt(m.group(2)), true);
            }
            bn |= m.group(1).equals("batchnorm");
        }
        int[] cfg = VGG_CONFIGS.get(convs.size());
        Map<String, String> t = new LinkedHashMap<>();
        if (cfg == null) {
            return new OnnxNameMapper("gluon-vgg (unknown depth " + convs.size() + ")", t);
        }
        // Walk torchvision's features Sequential: conv [, bn], relu per conv; one max-pool per 0.
        List<Integer> convIndex = new ArrayList<>();
        int idx = 0;
        for (int c : cfg) {
            if (c == 0) {
                idx++;
            } else {
                convIndex.add(idx);
                idx += bn ? 3 : 2;
            }
        }
        Map<String, String> suffix = table(GLUON_SUFFIXES);
        for (String n : names) {
            Matcher m = GLUON.matcher(n);
            m.matches();
            int k = Integer.parseInt(m.group(2));
            String layer = null;
            if (m.group(1).equals("conv") && k < convIndex.size()) {
                layer = "features." + convIndex.get(k);
            } else if (m.group(1).equals("batchnorm") && k < convIndex.size()) {
                layer = "features." + (convIndex.get(k) + 1);
            } else if (m.group(1).equals("dense") && k < VGG_DENSE.length) {
                layer = VGG_DENSE[k];
            }
            if (layer != null) {
                t.put(n, layer + "." + suffix.get(m.group(3)));
            }
        }
        return new OnnxNameMapper(bn ? "gluon-vgg-bn" : "gluon-vgg", t);
    }

    private static Map<String, String> table(String[][] rows) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String[] r : rows) {
            m.put(r[0], r[1]);
        }
        return m;
    }

    /** Which naming was recognized: "torchvision", "caffe-alexnet", "gluon-vgg" or "gluon-vgg-bn". */
    public String naming() {
        return naming;
    }

    /** The state_dict key for an ONNX name; names the table does not know are returned unchanged. */
    public String map(String onnxName) {
        return table.getOrDefault(onnxName, onnxName);
    }

    /**
     * The state_dict with every tensor renamed, in file order.
     *
     * @throws WeightsFormatException if two initializers map to the same key
     */
    public StateDict apply(StateDict sd) throws WeightsFormatException {
        Map<String, WeightTensor> out = new LinkedHashMap<>();
        for (WeightTensor t : sd.tensors().values()) {
            String key = map(t.name());
            if (out.put(key, t.withName(key)) != null) {
                throw new WeightsFormatException("weights " + sd.source() + ": two ONNX initializers map to key " + key);
            }
        }
        return new StateDict(sd.source(), out);
    }

    /**
     * Reads an ONNX file and renames its initializers to state_dict keys.
     *
     * @throws WeightsFormatException if the file is unreadable or damaged, or two initializers map to the same key
     */
    public static StateDict readMapped(java.nio.file.Path file) throws WeightsFormatException {
        StateDict raw = new OnnxReader().read(file);
        return forNames(raw.keys()).apply(raw);
    }
}
