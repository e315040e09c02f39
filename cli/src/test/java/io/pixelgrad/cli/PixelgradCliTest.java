package io.pixelgrad.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.engine.Npy;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pixelgrad command run in-process: results checked against PyTorch's logits (zoo-import's fixtures, made by
 * make_model_fixtures.py) and against receptive-field arithmetic; bad input checked for a one-line message, exit code
 * and no output file.
 */
class PixelgradCliTest {

    /** zoo-import's PyTorch-made fixtures (Surefire runs in the module directory). */
    static final Path FIXTURES = Path.of(System.getProperty("pixelgrad.fixtures", "../zoo-import/src/test/resources"));
    static final Path ALEXNET16 = FIXTURES.resolve("models/alexnet16.pth");
    static final Path PHOTO_NPY = FIXTURES.resolve("images/chelsea_torchvision.npy");
    static final Path PHOTO = FIXTURES.resolve("images/chelsea.png");

    @TempDir
    static Path shared;
    /** A 1000-class narrow AlexNet with seeded random weights, for ImageNet class names. */
    static Path imagenetWeights;

    record Run(int code, String out, String err) {
        /** Standard error as lines. */
        String[] errLines() {
            return err.isEmpty() ? new String[0] : err.split("\\R");
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Pixelgrad.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void writeImagenetModel() throws IOException {
        Classifier c = Architectures.create("alexnet", 1000, 16);
        Init.randomize(c, 42);
        Map<String, INDArray> state = new LinkedHashMap<>();
        c.parameters().forEach((k, p) -> state.put(k, p.value()));
        imagenetWeights = shared.resolve("alexnet16_imagenet.safetensors");
        writeSafetensors(state, imagenetWeights);
    }

    /** The safetensors layout: 8-byte header length, JSON header with offsets, then the little-endian float32 data. */
    static void writeSafetensors(Map<String, INDArray> state, Path file) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (var e : state.entrySet()) {
            long bytes = e.getValue().length() * 4;
            if (header.length() > 1) header.append(',');
            header.append('"').append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(Arrays.toString(e.getValue().shape()).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        while (header.length() % 8 != 0) header.append(' ');
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate((int) (8 + h.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        for (INDArray a : state.values()) for (float v : a.dup('c').data().asFloat()) buf.putFloat(v);
        Files.write(file, buf.array());
    }

    static void assertOneLineError(Run r, int code, String expectedStart) {
        assertEquals(code, r.code(), r.err());
        assertEquals(1, r.errLines().length, "expected one line, got: " + r.err());
        assertTrue(r.err().startsWith(expectedStart), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    static boolean emptyOrMissing(Path dir) throws IOException {
        if (!Files.exists(dir)) return true;
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    @Test
    void classifyJsonMatchesPyTorchLogits() throws Exception {
        Run r = run("classify", "--model", "auto", "--weights", ALEXNET16.toString(), "--image", PHOTO_NPY.toString(),
                "--top", "3", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("alexnet/16", json.get("model").asText());
        float[] torch = Npy.read(FIXTURES.resolve("models/alexnet16_logits_224.npy")).data().asFloat();
        Integer[] order = new Integer[torch.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(torch[b], torch[a]));
        double max = torch[order[0]], sum = 0;
        for (float v : torch) sum += Math.exp(v - max);
        JsonNode top = json.get("predictions").get(0);
        assertEquals(3, top.size());
        for (int k = 0; k < 3; k++) {
            JsonNode row = top.get(k);
            int i = order[k];
            assertEquals(i, row.get("index").asInt());
            assertEquals("class " + i, row.get("name").asText());
            assertEquals(torch[i], row.get("logit").asDouble(), 1e-5 * Math.abs(max));
            assertEquals(Math.exp(torch[i] - max) / sum, row.get("probability").asDouble(), 1e-5);
        }
    }

    @Test
    void classifyPhotoPrintsATableAndWritesJsonWhole(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("results");
        Run r = run("classify", "--weights", imagenetWeights.toString(), "--image", PHOTO.toString(), "--out", out.toString(),
                "--class", "tabby cat", "--top", "2");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\\R");
        assertEquals("chelsea.png: alexnet/16, 1000 classes", lines[0]);
        assertTrue(lines[1].startsWith("rank  index  class"), lines[1]);
        assertTrue(r.out().contains(" 281  tabby "), r.out()); // the --class row, whatever its rank
        JsonNode json = new ObjectMapper().readTree(out.resolve("classify.json").toFile());
        assertEquals(281, json.get("class").get(0).get("index").asInt());
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(1, s.count(), "only classify.json, no temporary files");
        }
    }

    @Test
    void missingWeightsFileIsOneLineAndWritesNothing(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.pth");
        Path out = dir.resolve("out");
        Run r = run("classify", "--weights", missing.toString(), "--image", PHOTO.toString(), "--out", out.toString());
        assertOneLineError(r, Pixelgrad.BAD_INPUT, "pixelgrad classify: weights " + missing + ": no such file");
        assertTrue(emptyOrMissing(out));
    }

    @Test
    void notAnImageIsOneLineAndWritesNothing(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("cat.jpg"), "not a picture\n");
        Path out = dir.resolve("out");
        Run r = run("classify", "--weights", ALEXNET16.toString(), "--image", text.toString(), "--out", out.toString());
        assertOneLineError(r, Pixelgrad.BAD_INPUT, "pixelgrad classify: image " + text + ": not an image (looks like text)");
        assertTrue(emptyOrMissing(out));
    }

    @Test
    void wrongArchitectureNamesKeyAndShapes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Run r = run("classify", "--model", "vgg16", "--weights", ALEXNET16.toString(), "--image", PHOTO.toString(), "--out", out.toString());
        assertOneLineError(r, Pixelgrad.BAD_INPUT, "pixelgrad classify: weights " + ALEXNET16 + ": ");
        assertTrue(r.err().contains("(for vgg16 (10 classes); and "), r.err());
        r = run("classify", "--model", "alexnet", "--weights", ALEXNET16.toString(), "--image", PHOTO.toString());
        assertOneLineError(r, Pixelgrad.BAD_INPUT, "pixelgrad classify: weights " + ALEXNET16
                + ": key features.0.weight has shape [4, 3, 11, 11], the model expects [64, 3, 11, 11]");
        assertTrue(emptyOrMissing(out));
    }

    @Test
    void unknownClassNameListsCloseMatches(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Run r = run("classify", "--weights", imagenetWeights.toString(), "--image", PHOTO.toString(), "--class", "tabbby",
                "--out", out.toString());
        assertOneLineError(r, Pixelgrad.BAD_INPUT, "pixelgrad classify: unknown class name 'tabbby'; closest: 281 (tabby)");
        assertTrue(emptyOrMissing(out));
    }

    @Test
    void usageMistakesAreOneLineWithExitCode2() {
        Run r = run("classify", "--weights", ALEXNET16.toString(), "--image", PHOTO.toString(), "--tpo", "3");
        assertOneLineError(r, Pixelgrad.USAGE, "pixelgrad classify: Unknown options: '--tpo', '3'");
        r = run("train", "--data", PHOTO.toString(), "--out", PHOTO.toString());
        assertOneLineError(r, Pixelgrad.USAGE, "pixelgrad train: Missing required option: '--dataset=NAME'");
        r = run("classify", "--weights", ALEXNET16.toString(), "--image", PHOTO.toString(), "--top", "0");
        assertOneLineError(r, Pixelgrad.BAD_INPUT, "pixelgrad classify: --top must be at least 1, not 0");
        r = run("frobnicate");
        assertOneLineError(r, Pixelgrad.USAGE, "pixelgrad: Unmatched argument at index 0: 'frobnicate'");
    }

    @Test
    void debugShowsTheStackTrace(@TempDir Path dir) {
        Run r = run("classify", "--debug", "--weights", dir.resolve("nope.pth").toString(), "--image", PHOTO.toString());
        assertEquals(Pixelgrad.BAD_INPUT, r.code());
        assertTrue(r.err().contains("\tat io.pixelgrad."), r.err());
    }

    @Test
    void inspectListsTensorsAndTheArchitecture() {
        Run r = run("inspect", "--weights", FIXTURES.resolve("models/vgg11_bn16.pth").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("PyTorch (zip)"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  features\\.0\\.weight +\\[4, 3, 3, 3\\] +F32\\n.*"), r.out());
        assertTrue(r.out().contains("features.1.running_var"), r.out());
        assertTrue(r.out().contains("architecture: vgg11_bn/16 (10 classes); load it with --model vgg11_bn/16 or --model auto"), r.out());
        r = run("inspect", "--weights", FIXTURES.resolve("models/caffe_alexnet16_zoo.onnx").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ONNX, caffe-alexnet names"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  features\\.4\\.weight +\\[16, 3, 5, 5\\] +F32 +\\(ONNX conv2_w_0\\)\\n.*"), r.out());
        assertTrue(r.out().contains("architecture: caffe_alexnet/16 (10 classes)"), r.out());
    }

    @Test
    void inspectLoadReadsEveryTensorIntoTheModel() {
        Run r = run("inspect", "--weights", FIXTURES.resolve("models/alexnet16_legacy.pth").toString(), "--load");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*\\nloaded into alexnet/16 in [0-9.]+ s\\n"), r.out());
        Path tiny = FIXTURES.resolve("weights/tiny_zip.pth");
        r = run("inspect", "--weights", tiny.toString(), "--load");
        assertEquals(Pixelgrad.BAD_INPUT, r.code(), r.err());
        assertTrue(r.out().contains("architecture: none; weights " + tiny + ": its keys match no known architecture"), r.out());
        assertEquals("pixelgrad inspect: --load needs weights that fit an architecture; these do not\n", r.err().replace("\r", ""));
    }

    /** Files that broke or strained a reader under fuzzing (zoo-import's malformed corpus and fuzz findings). */
    @ParameterizedTest
    @ValueSource(strings = {"weights/malformed/stride_zero.pth", "weights/malformed/pickle_long_text_int.pth",
        "weights/malformed/pickle_long4_huge_int.pth",
        "io/pixelgrad/zoo/weights/PyTorchZipFuzzTestInputs/readsOrRefuses/finding_zstd_entry.pth"})
    void fuzzFindingsInWeightsAreOneLine(String file) {
        Path weights = FIXTURES.resolve(file);
        assertOneLineError(run("inspect", "--weights", weights.toString()), Pixelgrad.BAD_INPUT,
                "pixelgrad inspect: weights " + weights + ": ");
        assertOneLineError(run("classify", "--weights", weights.toString(), "--image", PHOTO_NPY.toString()), Pixelgrad.BAD_INPUT,
                "pixelgrad classify: weights " + weights + ": ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"images/header_5000x5000.png", "images/header_20000x20000.png", "images/jpeg_150_scans.jpg",
        "io/pixelgrad/zoo/images/BmpFuzzTestInputs/readsOrRefuses/finding_bmp_index.bmp",
        "io/pixelgrad/zoo/images/PngFuzzTestInputs/readsOrRefuses/finding_2048x1.png",
        "io/pixelgrad/zoo/images/NpyFuzzTestInputs/readsOrRefuses/finding_u1_short_data.npy"})
    void fuzzFindingsInImagesAreOneLine(String file, @TempDir Path dir) throws IOException {
        Path image = FIXTURES.resolve(file);
        Path out = dir.resolve("out");
        for (String command : new String[]{"classify", "saliency"}) {
            Run r = run(command, "--weights", ALEXNET16.toString(), "--image", image.toString(), "--out", out.toString());
            assertOneLineError(r, Pixelgrad.BAD_INPUT, "pixelgrad " + command + ": image " + image + ": ");
            assertTrue(emptyOrMissing(out));
        }
    }

    @Test
    void inspectOfAFileThatIsNotWeightsIsOneLine() {
        Run r = run("inspect", "--weights", PHOTO.toString());
        assertOneLineError(r, Pixelgrad.BAD_INPUT, "pixelgrad inspect: weights " + PHOTO + ": ");
    }

    @Test
    void layersOfAlexnetFollowTheReceptiveFieldRecurrence() {
        Run r = run("layers", "--model", "alexnet");
        assertEquals(0, r.code(), r.err());
        // By hand from techniques.md: conv1 k11 s4 p2 -> rf 11, jump 4, start 3; pool k3 s2 -> 19, 8, 7;
        // conv2 k5 p2 -> 51, 8, 7; pool -> 67, 16, 15; conv3/4/5 k3 p1 -> 99, 131, 163; pool5 -> 195, 32, 31.
        assertRow(r.out(), "features.0", "[1, 64, 55, 55]", "23,296", "11", "4", "3");
        assertRow(r.out(), "features.2", "[1, 64, 27, 27]", "0", "19", "8", "7");
        assertRow(r.out(), "features.3", "[1, 192, 27, 27]", "307,392", "51", "8", "7");
        assertRow(r.out(), "features.5", "[1, 192, 13, 13]", "0", "67", "16", "15");
        assertRow(r.out(), "features.10", "[1, 256, 13, 13]", "590,080", "163", "16", "15");
        assertRow(r.out(), "features.12", "[1, 256, 6, 6]", "0", "195", "32", "31");
        assertRow(r.out(), "avgpool", "[1, 256, 6, 6]", "0", "195", "32", "31");
        assertRow(r.out(), "classifier.0", "[1, 9216]", "0", "195", "32", "31"); // flattened before the classifier
        assertRow(r.out(), "classifier.6", "[1, 1000]", "4,097,000", "all", "-", "-");
        // torchvision's AlexNet has 61,100,840 parameters.
        assertTrue(r.out().contains("total parameters: 61,100,840"), r.out());
    }

    @Test
    void layersOfVgg16CountTorchvisionsParameters() {
        Run r = run("layers", "--model", "vgg16", "--size", "224");
        assertEquals(0, r.code(), r.err());
        // VGG16: 3x3 convs, stride 1, pad 1, 2x2 pools: rf of the last pool = 212, jump 32, start 15.5.
        assertRow(r.out(), "features.30", "[1, 512, 7, 7]", "0", "212", "32", "15.5");
        assertTrue(r.out().contains("total parameters: 138,357,544"), r.out());
    }

    @Test
    void layersRefusesSizesTheModelCannotTake() {
        Run r = run("layers", "--model", "caffe_alexnet", "--size", "224");
        assertOneLineError(r, Pixelgrad.BAD_INPUT, "pixelgrad layers: layer classifier.0 (Linear(9216, 4096)) expects 9216 input features"
                + " but an input of 224x224 gives 6400 (caffe_alexnet needs 227x227)");
        r = run("layers", "--model", "caffe_alexnet");
        assertEquals(0, r.code(), r.err());
        assertRow(r.out(), "features.0", "[1, 96, 55, 55]", "34,944", "11", "4", "5");
        r = run("layers", "--model", "vgg16", "--size", "16");
        assertOneLineError(r, Pixelgrad.BAD_INPUT, "pixelgrad layers: an input of 16x16 is too small");
        r = run("layers", "--model", "resnet50");
        assertOneLineError(r, Pixelgrad.BAD_INPUT, "pixelgrad layers: unknown model 'resnet50'; known: alexnet, caffe_alexnet");
    }

    static void assertRow(String out, String module, String shape, String params, String rf, String jump, String start) {
        String row = Arrays.stream(out.split("\\R")).filter(l -> l.startsWith(module + " ")).findFirst().orElseThrow(
                () -> new AssertionError("no row " + module + " in:\n" + out));
        assertTrue(row.contains(shape), row);
        String[] tokens = row.trim().split("\\s+");
        assertEquals(params + " " + rf + " " + jump + " " + start,
                String.join(" ", Arrays.copyOfRange(tokens, tokens.length - 4, tokens.length)), row);
    }

    @Test
    void helpTextsAreParagraphsThatPicocliWraps() {
        // picocli starts every element of a description on a line of its own: an element that stops mid-sentence
        // leaves a short, ragged line in --help
        java.util.List<String> broken = new java.util.ArrayList<>();
        java.util.Deque<picocli.CommandLine> commands = new java.util.ArrayDeque<>(java.util.List.of(new picocli.CommandLine(new Pixelgrad())));
        while (!commands.isEmpty()) {
            picocli.CommandLine command = commands.pop();
            commands.addAll(command.getSubcommands().values());
            var spec = command.getCommandSpec();
            endsSentences(spec.qualifiedName(), spec.usageMessage().description(), broken);
            for (var option : spec.options()) endsSentences(spec.qualifiedName() + " " + option.longestName(), option.description(), broken);
        }
        assertTrue(broken.isEmpty(), "description elements that stop mid-sentence:\n" + String.join("\n", broken));
    }

    @Test
    void helpTextsKeepFileNamesAndExampleCommandsWhole() {
        // Java's line breaking, which picocli wraps with, splits "invert.png" after the dot: descriptions and footers
        // wrap at spaces instead, and example commands continue with a backslash so they paste as written
        java.util.List<String> broken = new java.util.ArrayList<>();
        java.util.regex.Pattern dotted = java.util.regex.Pattern.compile("[\\w/-]+\\.[\\w/-]+");
        java.util.Deque<picocli.CommandLine> commands = new java.util.ArrayDeque<>(java.util.List.of(Pixelgrad.commandLine()));
        while (!commands.isEmpty()) {
            picocli.CommandLine command = commands.pop();
            commands.addAll(command.getSubcommands().values());
            var usage = command.getCommandSpec().usageMessage();
            String help = command.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF);
            String joined = help.replaceAll(" \\\\\\R +", " ");
            java.util.List<String> optionTexts = new java.util.ArrayList<>();
            for (var option : command.getCommandSpec().options()) optionTexts.add(String.join(" ", option.description()));
            for (String element : concat(concat(usage.description(), usage.footer()), optionTexts.toArray(new String[0]))) {
                var words = dotted.matcher(element);
                while (words.find())
                    if (!help.contains(words.group())) broken.add(command.getCommandName() + ": " + words.group());
                String text = element.strip().replaceAll("  +[(#].*$", "").replaceAll(" \\\\$", "");
                if (text.startsWith("pixelgrad ") && !joined.contains(text)) broken.add(command.getCommandName() + ": " + text);
            }
            for (String line : help.split("\\R"))
                if (line.length() > usage.width() && line.strip().contains(" ")) broken.add(command.getCommandName() + " (too long): " + line);
        }
        assertTrue(broken.isEmpty(), "split in --help:\n" + String.join("\n", broken));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void endsSentences(String where, String[] description, java.util.List<String> broken) {
        for (int i = 0; i + 1 < description.length; i++) {
            String element = description[i].strip();
            if (!element.isEmpty() && !element.endsWith(".") && !element.endsWith(":")) broken.add(where + ": ..." + element);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classify", "inspect", "layers"})
    void everyCommandHasHelpAndVersion(String command) {
        Run help = run(command, "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().startsWith("Usage: pixelgrad " + command), help.out());
        Run version = run(command, "--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("pixelgrad "), version.out());
    }
}
