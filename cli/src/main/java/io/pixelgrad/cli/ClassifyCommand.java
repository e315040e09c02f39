package io.pixelgrad.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pixelgrad.cli.options.ClassOption;
import io.pixelgrad.cli.options.DtypeOption;
import io.pixelgrad.cli.options.ImageOption;
import io.pixelgrad.cli.options.ModelOption;
import io.pixelgrad.cli.options.OutOption;
import io.pixelgrad.cli.options.WeightsOption;
import io.pixelgrad.zoo.labels.ImageNetLabels;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code pixelgrad classify}: the top classes of an image, with logits and softmax probabilities. */
@Command(name = "classify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Classify an image: print the top classes with their logits and probabilities.",
        footer = {"", "Examples:",
            "  pixelgrad classify --model vgg16 --weights vgg16.pth --image cat.jpg",
            "  pixelgrad classify --weights alexnet.safetensors --image cat.png --json",
            "  pixelgrad classify --weights vgg16.onnx --image cat.png --class \"tiger cat\""})
public final class ClassifyCommand extends PixelgradCommand {

    @Mixin
    ModelOption model;
    @Mixin
    WeightsOption weights;
    @Mixin
    ImageOption image;
    @Mixin
    ClassOption target;
    @Mixin
    OutOption out;
    @Mixin
    DtypeOption dtype;

    @Option(names = {"-k", "--top"}, paramLabel = "K", defaultValue = "5",
            description = "How many classes to show (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "Print the result as JSON instead of a table.")
    boolean json;

    @Override
    protected int run() throws Exception {
        if (top < 1) throw new UserException("--top must be at least 1, not " + top);
        Classifier net = loadModel(model, weights, dtype.dataType);
        Integer wanted = target.given() ? target.resolve(net.numClasses(), weights.card()) : null;
        INDArray input = image.load(net, weights.card(), weights.sampleSet(), err());
        INDArray logits = logits(net, input);
        Map<String, Object> result = result(net, logits, wanted);
        String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
        if (out.given()) {
            var file = out.write("classify.json", s -> s.write((text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            if (!json) err().println("wrote " + file);
        }
        if (json) out().println(text);
        else printTable(net, result);
        out().flush();
        return 0;
    }

    private Map<String, Object> result(Classifier net, INDArray logits, Integer wanted) throws Exception {
        long classes = logits.size(1);
        boolean imagenet = classes == ImageNetLabels.get().size();
        io.pixelgrad.zoo.models.ModelCard card = weights.card();
        boolean named = card != null && card.classes().size() == classes;
        List<Object> samples = new ArrayList<>();
        List<Object> targets = new ArrayList<>();
        for (int n = 0; n < logits.size(0); n++) {
            double[] l = new double[(int) classes];
            for (int i = 0; i < classes; i++) l[i] = logits.getDouble(n, i);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (double v : l) max = Math.max(max, v);
            for (double v : l) sum += Math.exp(v - max);
            Integer[] order = new Integer[l.length];
            for (int i = 0; i < order.length; i++) order[i] = i;
            java.util.Arrays.sort(order, (a, b) -> Double.compare(l[b], l[a]) != 0 ? Double.compare(l[b], l[a]) : Integer.compare(a, b));
            List<Object> topk = new ArrayList<>();
            for (int r = 0; r < order.length; r++) {
                int i = order[r];
                if (r >= top && (wanted == null || i != wanted)) continue;
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("rank", r + 1);
                row.put("index", i);
                row.put("name", named ? card.className(i) : imagenet ? ImageNetLabels.get().name(i) : "class " + i);
                row.put("logit", dtype.dataType == org.nd4j.linalg.api.buffer.DataType.DOUBLE ? (Object) l[i] : (Object) (float) l[i]);
                row.put("probability", Math.exp(l[i] - max) / sum);
                if (r < top) topk.add(row);
                if (wanted != null && i == wanted) targets.add(row);
            }
            samples.add(topk);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", net.architecture());
        r.put("classes", classes);
        r.put("dtype", dtype.label());
        r.put("weights", weights.label());
        r.put("image", image.label());
        r.put("predictions", samples);
        if (wanted != null) r.put("class", targets);
        return r;
    }

    @SuppressWarnings("unchecked")
    private void printTable(Classifier net, Map<String, Object> result) {
        List<Object> samples = (List<Object>) result.get("predictions");
        for (int n = 0; n < samples.size(); n++) {
            out().println((image.image != null ? image.image.getFileName() : image.label()) + (samples.size() > 1 ? " [" + n + "]" : "") + ": " + net.architecture()
                    + ", " + result.get("classes") + " classes");
            out().println(String.format(Locale.ROOT, "%4s  %5s  %-32s %10s %12s", "rank", "index", "class", "logit", "probability"));
            for (Object o : (List<Object>) samples.get(n)) printRow((Map<String, Object>) o);
            if (result.containsKey("class")) {
                Map<String, Object> row = (Map<String, Object>) ((List<Object>) result.get("class")).get(n);
                if ((Integer) row.get("rank") > top) {
                    out().println("   ...");
                    printRow(row);
                }
            }
        }
    }

    private void printRow(Map<String, Object> row) {
        out().println(String.format(Locale.ROOT, "%4d  %5d  %-32s %10.4f %12.6f", (Integer) row.get("rank"), (Integer) row.get("index"),
                row.get("name"), ((Number) row.get("logit")).doubleValue(), (Double) row.get("probability")));
    }
}
