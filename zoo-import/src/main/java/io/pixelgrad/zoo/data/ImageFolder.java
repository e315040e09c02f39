package io.pixelgrad.zoo.data;

import io.pixelgrad.zoo.images.ImageInputException;
import io.pixelgrad.zoo.images.Images;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.images.Preprocessing;
import io.pixelgrad.zoo.images.RgbImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A directory with one sub-directory of images per class, as torchvision's ImageFolder reads it: classes are the
 * sub-directory names in sorted order, images are the PNG, JPEG and BMP files in them (sorted by name). Every image is
 * brought to one size (shorter side resized, centre square cropped, as the explanation commands do) and to grey or
 * RGB. Images that cannot be decoded are skipped with a warning and counted.
 */
public final class ImageFolder {

    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp");

    /** The images read and how many files were skipped as unreadable. */
    public record Result(Dataset dataset, int skipped) {
    }

    private ImageFolder() {
    }

    /**
     * Reads every class folder under dir into images of channels x side x side (channels 1 or 3); warnings (one line
     * per unreadable file) go to the consumer.
     *
     * @throws DatasetException if the directory is missing, cannot be listed, or has no class folder or no readable
     *     image
     */
    public static Result read(Path dir, String name, int channels, int side, Consumer<String> warnings) throws DatasetException {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 or 3, not " + channels);
        if (!Files.isDirectory(dir)) throw new DatasetException("image folder " + dir + ": no such directory");
        List<Path> classDirs = list(dir).stream().filter(Files::isDirectory).toList();
        if (classDirs.isEmpty())
            throw new DatasetException("image folder " + dir + ": no class sub-directories (one folder of images per class expected)");
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> fileLabels = new ArrayList<>();
        for (Path c : classDirs) {
            int label = classes.size();
            classes.add(c.getFileName().toString());
            for (Path f : list(c)) {
                String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                if (Files.isRegularFile(f) && EXTENSIONS.stream().anyMatch(n::endsWith)) {
                    files.add(f);
                    fileLabels.add(label);
                }
            }
        }
        Preprocessing resize = new Preprocessing(side, side, Normalization.HALF);
        int size = channels * side * side;
        byte[] pixels = new byte[files.size() * size];
        int[] labels = new int[files.size()];
        int n = 0, skipped = 0;
        for (int i = 0; i < files.size(); i++) {
            RgbImage img;
            try {
                img = resize.centerCrop(resize.resizeShorterSide(Images.read(files.get(i))));
            } catch (ImageInputException | RuntimeException e) {
                warnings.accept("skipping " + files.get(i) + ": " + e.getMessage());
                skipped++;
                continue;
            }
            byte[] rgb = img.rgb();
            int plane = side * side;
            for (int p = 0; p < plane; p++) {
                if (channels == 1) {
                    pixels[n * size + p] = (byte) Normalization.luminance(rgb[p * 3] & 0xff, rgb[p * 3 + 1] & 0xff, rgb[p * 3 + 2] & 0xff);
                } else {
                    for (int c = 0; c < 3; c++) pixels[n * size + c * plane + p] = rgb[p * 3 + c];
                }
            }
            labels[n++] = fileLabels.get(i);
        }
        if (n == 0) throw new DatasetException("image folder " + dir + ": no readable images (" + skipped + " skipped)");
        byte[] kept = n == files.size() ? pixels : java.util.Arrays.copyOf(pixels, n * size);
        return new Result(new Dataset(name, kept, java.util.Arrays.copyOf(labels, n), channels, side, side, classes), skipped);
    }

    private static List<Path> list(Path dir) throws DatasetException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new DatasetException("image folder " + dir + ": cannot list (" + e.getMessage() + ")", e);
        }
    }
}
