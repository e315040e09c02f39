package io.pixelgrad.vis.dataset;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.autograd.nn.Parameter;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.models.LayerGeometry;
import io.pixelgrad.zoo.models.LayerGeometry.Box;
import io.pixelgrad.zoo.models.LayerGeometry.ReceptiveField;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Receptive fields (LayerGeometry, the definition `layers` prints and the patches are cut with) against brute force:
 * with every weight and bias made positive and a positive input, each unit increases strictly with every input pixel it
 * depends on (ReLUs stay open, a max-pool passes a pixel made huge), so the pixels whose large increase changes a unit
 * are exactly its receptive field, clipped at the border. One batch holds the input with each pixel raised in turn.
 */
class ReceptiveFieldTest {

    /** The network with every parameter in [0.01, 0.11) (float64, so that no change is lost to rounding). */
    static Classifier positive(String arch, int divisor, int channels, int side) {
        Classifier net = arch.equals("alexnet") ? Architectures.alexnet(10, divisor) : Architectures.create(arch, 10, divisor, channels, side);
        Random r = new Random(3);
        net.toDataType(DataType.DOUBLE);
        for (Parameter p : net.parameters().values()) {
            INDArray v = p.value();
            for (long i = 0; i < v.length(); i++) v.putScalar(i, 0.01 + 0.1 * r.nextDouble());
        }
        return net;
    }

    /** Which input pixels change unit (c, y, x) of the layer: [H][W]. */
    static boolean[][] bruteForce(Classifier net, int channels, int side, String layer, int c, int y, int x) {
        int n = side * side;
        double[] base = new double[channels * n];
        Random r = new Random(5);
        for (int i = 0; i < base.length; i++) base[i] = 0.5 + 0.5 * r.nextDouble();
        double[] batch = new double[(n + 1) * channels * n];
        for (int k = 0; k <= n; k++) {
            System.arraycopy(base, 0, batch, k * channels * n, base.length);
            if (k < n) for (int ch = 0; ch < channels; ch++) batch[k * channels * n + ch * n + k] += 1e3;
        }
        INDArray in = Nd4j.create(batch, new long[]{n + 1, channels, side, side}, 'c');
        double[] out;
        long[] shape;
        try (Tape tape = new Tape()) {
            INDArray a = net.forwardTo(tape.constant(in), layer).value();
            shape = a.shape();
            out = Passes.values(a);
        }
        int per = out.length / (n + 1);
        int plane = per / (int) shape[1], width = shape.length == 4 ? (int) shape[3] : 1;
        int height = plane / width;
        if (y >= height || x >= width) throw new IllegalArgumentException("unit (" + y + "," + x + ") outside " + height + "x" + width);
        int unit = c * plane + y * width + x;
        double reference = out[n * per + unit];
        boolean[][] seen = new boolean[side][side];
        for (int k = 0; k < n; k++) seen[k / side][k % side] = out[k * per + unit] != reference;
        return seen;
    }

    @ParameterizedTest(name = "{0}/{1} {4} unit ({5},{6})")
    @CsvSource({
        "smallvgg, 8, 1, 28, features.0, 0, 0",
        "smallvgg, 8, 1, 28, features.2, 13, 27",
        "smallvgg, 8, 1, 28, features.4, 5, 6",
        "smallvgg, 8, 1, 28, features.4, 0, 13",
        "smallvgg, 8, 1, 28, features.7, 3, 3",
        "smallvgg, 8, 1, 28, features.9, 0, 0",
        "smallvgg, 8, 1, 28, features.9, 6, 3",
        "lenet, 20, 1, 28, features.0, 23, 0",
        "lenet, 20, 1, 28, features.2, 5, 7",
        "lenet, 20, 1, 28, features.3, 7, 0",
        "lenet, 20, 1, 28, features.5, 3, 3",
        "lenet, 20, 1, 28, features.5, 1, 2",
        "alexnet, 64, 3, 63, features.2, 3, 6",
        "alexnet, 64, 3, 63, features.12, 0, 0",
    })
    void receptiveFieldIsWhatTheUnitDependsOn(String arch, int divisor, int channels, int side, String layer, int y, int x) {
        Classifier net = positive(arch, divisor, channels, side);
        boolean[][] seen = bruteForce(net, channels, side, layer, 0, y, x);
        ReceptiveField rf = Patches.field(net, channels, side, side, layer);
        assertEquals(LayerGeometry.Extent.LOCAL, rf.extent());
        Box b = rf.box(y, x, side, side);
        int inside = 0;
        for (int yy = 0; yy < side; yy++)
            for (int xx = 0; xx < side; xx++) {
                boolean in = yy >= b.top() && yy < b.bottom() && xx >= b.left() && xx < b.right();
                assertEquals(in, seen[yy][xx], layer + " pixel (" + yy + "," + xx + ") vs box " + b);
                if (in) inside++;
            }
        assertTrue(inside > 0);
    }

    @Test
    void layersAfterTheFlattenSeeEverything() {
        Classifier net = Architectures.create("smallvgg", 10, 8, 1, 28);
        ReceptiveField rf = Patches.field(net, 1, 28, 28, "classifier.2");
        assertEquals(LayerGeometry.Extent.WHOLE, rf.extent());
        assertEquals(new Box(0, 0, 28, 28), rf.box(0, 0, 28, 28));
    }

    @Test
    void patchesAreTheImageUnderTheClippedFieldPlacedWhereTheFieldPutsThem() {
        Classifier net = Architectures.create("smallvgg", 10, 8, 1, 28);
        ReceptiveField rf = Patches.field(net, 1, 28, 28, "features.7");   // size 14, jump 2, start 1.5
        assertEquals(14, rf.rows().size());
        BufferedImage picture = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) picture.setRGB(x, y, (y * 9) << 16 | (x * 9) << 8 | 7);
        for (int[] unit : new int[][]{{0, 0}, {6, 13}, {13, 13}, {3, 9}}) {
            Hit hit = new Hit(0, unit[0], unit[1], 1);
            BufferedImage patch = Patches.crop(picture, rf, hit);
            assertEquals(14, patch.getWidth());
            assertEquals(14, patch.getHeight());
            long first = rf.rows().first(unit[0]), left = rf.cols().first(unit[1]);
            for (int py = 0; py < 14; py++)
                for (int px = 0; px < 14; px++) {
                    long iy = first + py, ix = left + px;
                    int expected = iy < 0 || ix < 0 || iy >= 28 || ix >= 28 ? 0x808080 : picture.getRGB((int) ix, (int) iy) & 0xffffff;
                    assertEquals(expected, patch.getRGB(px, py) & 0xffffff, "unit " + unit[0] + "," + unit[1] + " patch pixel " + py + "," + px);
                }
        }
    }

    @Test
    void layerTableRowsMatchTheRecurrenceForAlexnet() {
        // conv1 of AlexNet: 11x11, stride 4, padding 2: size 11, jump 4, start 5 - 2 = 3
        LayerGeometry.Layer conv1 = LayerGeometry.layer(Architectures.alexnet(1000, 16), new long[]{1, 3, 224, 224}, "features.0");
        assertEquals(11, conv1.receptiveField().rows().size());
        assertEquals(4, conv1.receptiveField().rows().jump());
        assertEquals(3.0, conv1.receptiveField().rows().start());
        Module pool = Architectures.alexnet(1000, 16).modules().get("features.2");
        assertTrue(pool.describe().startsWith("MaxPool2d"));
    }
}
