package io.pixelgrad.zoo.images;

import io.pixelgrad.engine.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decoding and preprocessing against what PIL and torchvision 0.14 produce (fixtures from
 * src/test/python/make_image_fixtures.py). Emulating PIL's 8-bit resampling makes the tensors bit-identical
 * (measured max |diff| 0 for both presets and for upsampling); without it they would differ by up to about 1/255
 * before normalization.
 */
class ImagesTest {

    /** Tolerance on normalized values: identical 8-bit samples normalize to identical float32 values. */
    static final double EXACT = 0;

    static Path resource(String name) {
        try {
            return Path.of(ImagesTest.class.getResource("/images/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture images/" + name + "; run make_image_fixtures.py", e);
        }
    }

    static double maxAbsDiff(INDArray a, INDArray b) {
        assertArrayEquals(b.shape(), a.shape());
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"small.bmp", "small_grey.png", "small_rgba.png", "small_palette.png"})
    void decodesLikePilConvertRgb(String name) throws Exception {
        RgbImage img = Images.read(resource(name));
        INDArray expected = Npy.read(resource(name.replace('.', '_') + "_rgb.npy")); // [H, W, 3] uint8 as int32
        assertEquals(expected.size(0), img.height());
        assertEquals(expected.size(1), img.width());
        int[] want = expected.data().asInt();
        int mismatches = 0;
        for (int i = 0; i < want.length; i++) if ((img.rgb()[i] & 0xff) != want[i]) mismatches++;
        assertEquals(0, mismatches, name + ": samples differing from PIL");
    }

    @Test
    void jpegDecodesWithinOneLevelOfLibjpegTurbo() throws Exception {
        // Java's JPEG decoder and PIL's libjpeg-turbo both use the integer IDCT and fancy upsampling, but nothing
        // promises bit equality across versions; measured here: identical. One level of slack keeps the test about us.
        RgbImage img = Images.read(resource("small.jpg"));
        int[] want = Npy.read(resource("small_jpg_rgb.npy")).data().asInt();
        int worst = 0;
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs((img.rgb()[i] & 0xff) - want[i]));
        assertTrue(worst <= 1, "JPEG samples differ from PIL's by up to " + worst);
    }

    @Test
    void chelseaMatchesTorchvisionPreprocessing() throws Exception {
        INDArray ours = Preprocessing.standard(Normalization.TORCHVISION).apply(Images.read(resource("chelsea.png")));
        INDArray torch = Npy.read(resource("chelsea_torchvision.npy"));
        assertTrue(maxAbsDiff(ours, torch) <= EXACT, "max |diff| " + maxAbsDiff(ours, torch));
    }

    @Test
    void chelseaMatchesCaffePreset() throws Exception {
        INDArray ours = Preprocessing.standard(Normalization.CAFFE).apply(Images.read(resource("chelsea.png")));
        INDArray torch = Npy.read(resource("chelsea_caffe.npy"));
        assertTrue(maxAbsDiff(ours, torch) <= EXACT, "max |diff| " + maxAbsDiff(ours, torch));
    }

    @Test
    void upscaledSmallImageWithHalfPixelCropMatchesTorchvision() throws Exception {
        // 160x120 -> 341x256, crop left = round(58.5) = 58 (Python rounds half to even).
        INDArray ours = Preprocessing.standard(Normalization.TORCHVISION).apply(Images.read(resource("small.bmp")));
        INDArray torch = Npy.read(resource("small_bmp_torchvision.npy"));
        assertTrue(maxAbsDiff(ours, torch) <= EXACT, "max |diff| " + maxAbsDiff(ours, torch));
    }

    @Test
    void floatResamplingWithoutPilRoundingIsOnlyClose() throws Exception {
        // Guards the claim in Preprocessing's comment: the 8-bit emulation matters. A float resize of the same
        // photo (no intermediate rounding) differs from torchvision by more than float rounding but less than 2/255.
        RgbImage photo = Images.read(resource("chelsea.png"));
        Preprocessing p = Preprocessing.standard(Normalization.TORCHVISION);
        RgbImage exact = p.resizeShorterSide(photo);
        double[][] wx = io.pixelgrad.engine.Interpolation.antialiasedBilinear(photo.width(), exact.width());
        double[][] wy = io.pixelgrad.engine.Interpolation.antialiasedBilinear(photo.height(), exact.height());
        INDArray src = Nd4j.create(new long[]{photo.height(), photo.width()}, 'c');
        for (int y = 0; y < photo.height(); y++)
            for (int x = 0; x < photo.width(); x++) src.putScalar(y, x, photo.sample(x, y, 0));
        INDArray f = Nd4j.create(wy).castTo(src.dataType()).mmul(src).mmul(Nd4j.create(wx).castTo(src.dataType()).transpose());
        double worst = 0;
        for (int y = 0; y < exact.height(); y++)
            for (int x = 0; x < exact.width(); x++) worst = Math.max(worst, Math.abs(f.getDouble(y, x) - exact.sample(x, y, 0)));
        assertTrue(worst > 0.5 && worst < 2, "float resize differs from PIL's 8-bit resize by " + worst + " levels");
    }

    @Test
    void npyIsUsedAsIs(@TempDir Path dir) throws Exception {
        INDArray nchw = ImageInput.load(resource("chelsea_torchvision.npy"), Preprocessing.standard(Normalization.CAFFE));
        assertEquals(0, maxAbsDiff(nchw, Npy.read(resource("chelsea_torchvision.npy"))));
        Path chw = dir.resolve("chw.npy");
        Npy.write(Nd4j.rand(DataType.FLOAT, 3, 5, 7), chw);
        assertArrayEquals(new long[]{1, 3, 5, 7}, ImageInput.load(chw, Preprocessing.standard(Normalization.TORCHVISION)).shape());
    }

    @Test
    void npyOfWrongShapeOrTypeIsRefused(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.npy");
        Npy.write(Nd4j.rand(DataType.FLOAT, 4, 5, 7), bad);
        ImageInputException e = assertThrows(ImageInputException.class, () -> ImageInput.load(bad, Preprocessing.standard(Normalization.TORCHVISION)));
        assertEquals("image " + bad + ": .npy input must have shape [C, H, W] or [N, C, H, W] with C 3 or 1, not [4, 5, 7]", e.getMessage());
        Path dbl = dir.resolve("double.npy");
        Npy.write(Nd4j.rand(DataType.DOUBLE, 3, 5, 7), dbl);
        assertEquals(DataType.DOUBLE, ImageInput.load(dbl, Preprocessing.standard(Normalization.TORCHVISION)).dataType(),
                "float64 tensors are kept as float64 (the command line rounds them only for float32 runs, with a note)");
        Path ints = dir.resolve("ints.npy");
        Npy.write(Nd4j.zeros(DataType.INT, 3, 5, 7), ints);
        e = assertThrows(ImageInputException.class, () -> ImageInput.load(ints, Preprocessing.standard(Normalization.TORCHVISION)));
        assertTrue(e.getMessage().endsWith(".npy input must be float32 or float64, not int"), e.getMessage());
    }

    @Test
    void notAnImageIsAOneLineError(@TempDir Path dir) throws Exception {
        ImageInputException e = assertThrows(ImageInputException.class, () -> Images.read(resource("not_an_image.png")));
        assertTrue(e.getMessage().contains(": not an image (looks like text); PNG, JPEG, BMP or .npy expected"), e.getMessage());
        e = assertThrows(ImageInputException.class, () -> Images.read(resource("truncated.png")));
        assertTrue(e.getMessage().contains("corrupt or unsupported PNG image"), e.getMessage());
        Path missing = dir.resolve("missing.png");
        e = assertThrows(ImageInputException.class, () -> Images.read(missing));
        assertEquals("image " + missing + ": no such file", e.getMessage());
        Path empty = Files.createFile(dir.resolve("empty.jpg"));
        e = assertThrows(ImageInputException.class, () -> Images.read(empty));
        assertTrue(e.getMessage().contains("not an image (empty file)"), e.getMessage());
        for (String m : new String[]{e.getMessage()}) assertFalse(m.contains("\n"));
    }

    @Test
    void headerClaimingMorePixelsThanTheFileHoldsIsRefusedBeforeDecoding() {
        // 45-byte PNGs (make_fuzz_seeds.py): ImageIO would allocate 75 MB and 1.2 GB for their rasters before failing.
        Path bomb = resource("header_5000x5000.png");
        ImageInputException e = assertThrows(ImageInputException.class, () -> Images.read(bomb));
        assertEquals("image " + bomb + ": PNG header claims 5000x5000 pixels, more than 45 bytes can hold; refused as "
                + "truncated or a decompression bomb", e.getMessage());
        Path huge = resource("header_20000x20000.png");
        e = assertThrows(ImageInputException.class, () -> Images.read(huge));
        assertEquals("image " + huge + ": 20000x20000 pixels, over the limit of 178956970 (PIL's decompression-bomb limit)",
                e.getMessage());
    }

    @Test
    void jpegWithMoreScansThanEncodersWriteIsRefused() {
        // 150 scans on 16x16 pixels (make_fuzz_seeds.py); the same trick on 4000x4000 pixels decoded for 240 s.
        Path scans = resource("jpeg_150_scans.jpg");
        ImageInputException e = assertThrows(ImageInputException.class, () -> Images.read(scans));
        assertEquals("image " + scans + ": JPEG with more than 100 scans (encoders write at most about 20); refused, "
                + "decoding it could take minutes", e.getMessage());
    }

    @Test
    void resizesThatWouldNeedGigabytesAreRefused(@TempDir Path dir) throws Exception {
        // 1x70000 resized by its shorter side is 256x17920000; a 40000x300 panorama needs a 34133x40000 weight matrix.
        Path tall = dir.resolve("tall.png");
        ImageIO.write(new BufferedImage(1, 70000, BufferedImage.TYPE_BYTE_GRAY), "png", tall.toFile());
        ImageInputException e = assertThrows(ImageInputException.class,
                () -> ImageInput.load(tall, Preprocessing.standard(Normalization.TORCHVISION)));
        assertEquals("image " + tall + ": resizing the 1x70000 image to 256x17920000 needs too much memory (the image is "
                + "too large or too elongated)", e.getMessage());
        Path wide = dir.resolve("wide.png");
        ImageIO.write(new BufferedImage(40000, 300, BufferedImage.TYPE_BYTE_GRAY), "png", wide.toFile());
        e = assertThrows(ImageInputException.class, () -> ImageInput.load(wide, Preprocessing.standard(Normalization.TORCHVISION)));
        assertTrue(e.getMessage().endsWith("resizing the 40000x300 image to 34133x256 needs too much memory (the image is "
                + "too large or too elongated)"), e.getMessage());
    }

    @Test
    void imageFindingsOfTheFuzzerAreOneLineRefusals() throws Exception {
        // A one-byte file "P" made the "not an image" hint read a second byte (ArrayIndexOutOfBoundsException).
        Path p = Path.of(ImagesTest.class.getResource("BmpFuzzTestInputs/readsOrRefuses/finding_bmp_index.bmp").toURI());
        ImageInputException e = assertThrows(ImageInputException.class, () -> Images.read(p));
        assertEquals("image " + p + ": not an image (looks like text); PNG, JPEG, BMP or .npy expected", e.getMessage());
        // A 174-byte BMP of compression 5 (an embedded PNG) made ImageIO decode a second image nothing had checked:
        // out of memory on a 1 GB heap.
        Path embedded = Path.of(ImagesTest.class.getResource("BmpFuzzTestInputs/readsOrRefuses/finding_oom.bmp").toURI());
        e = assertThrows(ImageInputException.class, () -> Images.read(embedded));
        assertEquals("image " + embedded + ": BMP with an embedded PNG (compression 5) is not supported; save it as a plain "
                + "PNG or JPEG", e.getMessage());
        // Valid images whose standard resize needs gigabytes (a 2048x1 PNG would become 524288x256).
        for (String f : new String[]{"PngFuzzTestInputs/readsOrRefuses/finding_2048x1.png",
            "JpegFuzzTestInputs/readsOrRefuses/finding_229x10872.jpg"}) {
            Path q = Path.of(ImagesTest.class.getResource(f).toURI());
            e = assertThrows(ImageInputException.class, () -> ImageInput.load(q, Preprocessing.standard(Normalization.TORCHVISION)));
            assertTrue(e.getMessage().startsWith("image " + q + ": resizing the "), e.getMessage());
            assertTrue(e.getMessage().endsWith(" needs too much memory (the image is too large or too elongated)"), e.getMessage());
        }
    }

    @Test
    void npyFindingsOfTheFuzzerAreOneLineRefusals() throws Exception {
        // The fuzzer's .npy finding: shape (7,) of uint8 with 6 data bytes (NpyFuzzTestInputs, replayed there too).
        Path shortData = Path.of(ImagesTest.class.getResource("NpyFuzzTestInputs/readsOrRefuses/finding_u1_short_data.npy").toURI());
        ImageInputException e = assertThrows(ImageInputException.class,
                () -> ImageInput.load(shortData, Preprocessing.standard(Normalization.TORCHVISION)));
        assertEquals("image " + shortData + ": unreadable .npy file (" + shortData + ": not a valid .npy file (shape (7,) of "
                + "|u1 needs 7 bytes of data but 6 follow the header))", e.getMessage());
    }

    @Test
    void normalizationPresetsFollowTechniquesMd() {
        // techniques.md: torchvision (v/255 - mean)/std; caffe BGR, 0..255, minus the BGR mean.
        assertEquals((1f - 0.485f) / 0.229f, Normalization.TORCHVISION.apply(255, 0), 1e-6);
        assertEquals(255f - 103.939f, Normalization.CAFFE.apply(255, 0), 1e-4);
        assertEquals(2, Normalization.CAFFE.sourceChannel(0));
        assertEquals(Normalization.CAFFE, Normalization.of("Caffe"));
        assertThrows(IllegalArgumentException.class, () -> Normalization.of("imagenet"));
    }
}
