package io.pixelgrad.zoo.models;

import io.pixelgrad.zoo.images.ImageInputException;
import io.pixelgrad.zoo.images.Images;
import io.pixelgrad.zoo.images.RgbImage;
import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.weights.WeightsFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trained models that ship inside pixelgrad (trained by pixelgrad itself with scripts/train-builtin-models):
 * "fashion-mnist" (smallvgg on Fashion-MNIST, the default of every command) and "mnist" (lenet on MNIST), each with its
 * class names and preprocessing in its metadata and a few test images as samples.
 */
public final class BuiltinModels {

    /** The model commands use when no weights are given. */
    public static final String DEFAULT = "fashion-mnist";
    /** Every built-in model. */
    public static final List<String> NAMES = List.of("fashion-mnist", "mnist");
    private static final String ROOT = "/io/pixelgrad/zoo/builtin/";
    private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();

    private BuiltinModels() {
    }

    /** Checks a model name; the error lists the built-in models. */
    public static String check(String name) {
        if (!NAMES.contains(name))
            throw new IllegalArgumentException("no built-in model '" + name + "'; built in: " + String.join(", ", NAMES));
        return name;
    }

    /**
     * The model's weights as a file (the readers map files): copied out of the jar once per process into a temporary
     * file that is deleted at exit.
     */
    public static Path weights(String name) {
        check(name);
        return EXTRACTED.computeIfAbsent(name, n -> {
            try (InputStream in = open(n + "/model.safetensors")) {
                Path tmp = Files.createTempFile("pixelgrad-" + n + "-", ".safetensors");
                tmp.toFile().deleteOnExit();
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return tmp;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract the built-in model " + n, e);
            }
        });
    }

    /**
     * The loaded model (inference mode, float32).
     *
     * @throws WeightsFormatException if the bundled weights do not load (a broken build)
     */
    public static Classifier load(String name) throws WeightsFormatException {
        return ModelLoader.load(ModelLoader.AUTO, weights(name));
    }

    /**
     * The model's description: classes, preprocessing, how it was trained.
     *
     * @throws WeightsFormatException if the bundled weights' description is damaged (a broken build)
     */
    public static ModelCard card(String name) throws WeightsFormatException {
        return ModelCard.read(weights(name));
    }

    /** The names of the model's sample images (e.g. "ankle-boot"); the first is the default. */
    public static List<String> samples(String name) {
        check(name);
        try (InputStream in = open(name + "/samples/samples.txt")) {
            List<String> names = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                if (!line.isBlank() && !line.startsWith("#")) names.add(line.strip());
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sample image as a file (extracted like the weights), for commands that take an image path. */
    public static Path samplePath(String name, String sample) {
        List<String> known = samples(name);
        if (!known.contains(sample))
            throw new IllegalArgumentException("no sample '" + sample + "' for the " + name + " model; samples: " + String.join(", ", known));
        return EXTRACTED.computeIfAbsent(name + "/" + sample, k -> {
            try (InputStream in = open(name + "/samples/" + sample + ".png")) {
                Path tmp = Files.createTempFile("pixelgrad-" + name + "-" + sample + "-", ".png");
                tmp.toFile().deleteOnExit();
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return tmp;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract the sample " + sample, e);
            }
        });
    }

    /**
     * A sample image decoded.
     *
     * @throws ImageInputException if the bundled sample cannot be decoded (a broken build)
     */
    public static RgbImage sample(String name, String sample) throws ImageInputException {
        return Images.read(samplePath(name, sample));
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = BuiltinModels.class.getResourceAsStream(ROOT + resource);
        if (in == null) throw new IOException("resource " + ROOT + resource + " is missing from the jar");
        return in;
    }
}
