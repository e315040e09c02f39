package io.pixelgrad.engine;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU-tuned and the portable kernel sets compute the same thing on every kernel. */
class KernelAgreementTest {

    private final Kernels cpu = new CpuKernels();
    private final Kernels portable = new PortableKernels();
    private final Random random = new Random(7);

    private INDArray randn(long... shape) {
        double[] v = new double[(int) Arrays.length(shape)];
        for (int i = 0; i < v.length; i++) v[i] = random.nextGaussian();
        return Nd4j.create(v, shape, 'c').castTo(DataType.FLOAT);
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance) {
        assertArrayEquals(expected.shape(), actual.shape());
        double scale = Math.max(1e-12, expected.castTo(DataType.DOUBLE).amaxNumber().doubleValue());
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= tolerance * scale, "max abs difference " + diff + " relative to " + scale);
    }

    @Test
    void bilinearSamplingAndPerChannelAffineAgree() {
        for (DataType t : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = randn(2, 3, 17, 21).castTo(t);
            BilinearSampler s = BilinearSampler.rotation(17, 21, 7.5);
            assertClose(portable.sampleBilinear(x, s), cpu.sampleBilinear(x, s), t == DataType.FLOAT ? 1e-6 : 1e-14);
            INDArray g = randn(2, 3, 17, 21).castTo(t);
            assertClose(portable.sampleBilinearBackward(g, s), cpu.sampleBilinearBackward(g, s), t == DataType.FLOAT ? 1e-6 : 1e-14);
            INDArray scale = randn(3).castTo(t), shift = randn(3).castTo(t);
            assertClose(portable.channelAffine(x, scale, shift), cpu.channelAffine(x, scale, shift), t == DataType.FLOAT ? 1e-6 : 1e-14);
            assertClose(portable.channelAffine(x, scale, null), cpu.channelAffine(x, scale, null), t == DataType.FLOAT ? 1e-6 : 1e-14);
        }
    }

    @Test
    void convolutionInputGradientsAgree() {
        ConvSpec[] specs = {ConvSpec.of(1, 1), ConvSpec.of(1, 3), ConvSpec.of(1, 0), ConvSpec.of(4, 2), ConvSpec.of(2, 0), ConvSpec.of(1, 2, 2, 1),
                ConvSpec.of(3, 1, 1, 2), new ConvSpec(2, 1, 0, 3, 1, 2, 1)};
        for (ConvSpec spec : specs) {
            INDArray x = randn(2, 4, 13, 11);
            INDArray w = randn(6, 4 / spec.groups(), 3, 5);
            INDArray b = randn(6);
            INDArray y = portable.conv2d(x, w, b, spec);
            assertClose(y, cpu.conv2d(x, w, b, spec), 1e-5);
            INDArray g = randn(y.shape());
            ConvGradients pg = portable.conv2dBackward(x, w, true, g, spec, true, true);
            ConvGradients cg = cpu.conv2dBackward(x, w, true, g, spec, true, false);
            assertClose(pg.input(), cg.input(), 1e-5);
            ConvGradients cw = cpu.conv2dBackward(x, w, true, g, spec, false, true);
            assertClose(pg.weight(), cw.weight(), 1e-5);
            assertClose(pg.bias(), cw.bias(), 1e-5);
            // the gradient channels-last, as a ReLU's backward hands it to a first layer that needs no input gradient
            INDArray gl = Layout.channelsLast(DataType.FLOAT, g.size(0), g.size(1), g.size(2), g.size(3)).assign(g);
            ConvGradients cl = cpu.conv2dBackward(x, w, true, gl, spec, false, true);
            assertClose(pg.weight(), cl.weight(), 1e-5);
            assertClose(pg.bias(), cl.bias(), 1e-5);
        }
    }

    @Test
    void largeImagesTakeTheFlippedKernelPathAndAgree() {
        // At 56x56 positions and more the CPU set computes the input gradient as a convolution with flipped kernels.
        for (ConvSpec spec : new ConvSpec[]{ConvSpec.of(1, 1), ConvSpec.of(1, 0), ConvSpec.of(1, 2)}) {
            INDArray x = randn(1, 3, 60, 62);
            INDArray w = randn(5, 3, 3, 5);
            INDArray g = randn(portable.conv2d(x, w, null, spec).shape());
            assertClose(portable.conv2dBackward(x, w, false, g, spec, true, false).input(),
                    cpu.conv2dBackward(x, w, false, g, spec, true, false).input(), 1e-5);
        }
    }

    /**
     * Convolution outputs are channels-last or row-major as the kernel set is told (AVX-512 and AVX2 processors get
     * different ones), with the same values and input gradients either way, for inputs in either layout; the input
     * gradient keeps the layout of the input.
     */
    @Test
    void convolutionsAgreeInTheLayoutTheyAreGiven() {
        for (boolean channelsLast : new boolean[]{true, false}) {
            Kernels k = new CpuKernels(channelsLast);
            // 60x62 takes the flipped-kernel input gradient, 13x11 the transposed convolution; stride 2 with padding 0
            // leaves the last row and column of 13x11 unread (the cut-out path)
            for (long[] shape : new long[][]{{1, 3, 60, 62}, {2, 4, 13, 11}})
                for (ConvSpec spec : new ConvSpec[]{ConvSpec.of(1, 1), ConvSpec.of(2, 0)}) {
                    INDArray x = randn(shape);
                    INDArray w = randn(6, shape[1], 3, 3);
                    INDArray b = randn(6);
                    INDArray expected = portable.conv2d(x, w, b, spec);
                    INDArray y = k.conv2d(x, w, b, spec);
                    assertEquals(channelsLast, Layout.isChannelsLast(y));
                    assertEquals(!channelsLast, Layout.isRowMajor(y));
                    assertClose(expected, y, 1e-5);
                    INDArray g = randn(y.shape());
                    INDArray expectedGrad = portable.conv2dBackward(x, w, true, g, spec, true, false).input();
                    assertClose(expectedGrad, k.conv2dBackward(x, w, true, g, spec, true, false).input(), 1e-5);
                    INDArray xl = Layout.channelsLast(DataType.FLOAT, shape[0], shape[1], shape[2], shape[3]).assign(x);
                    INDArray gl = Layout.channelsLast(DataType.FLOAT, g.size(0), g.size(1), g.size(2), g.size(3)).assign(g);
                    assertClose(expected, k.conv2d(xl, w, b, spec), 1e-5);
                    INDArray fromChannelsLast = k.conv2dBackward(xl, w, true, gl, spec, true, false).input();
                    assertTrue(Layout.isChannelsLast(fromChannelsLast));
                    assertClose(expectedGrad, fromChannelsLast, 1e-5);
                }
        }
    }

    @Test
    void maxPoolSwitchesAndUnpoolingAgree() {
        PoolSpec[] specs = {PoolSpec.of(2, 2), PoolSpec.of(3, 2), PoolSpec.of(3, 2, 1), new PoolSpec(2, 3, 1, 2, 1, 0, 1, 1),
                new PoolSpec(3, 3, 1, 1, 1, 1, 2, 2)};
        for (PoolSpec spec : specs) {
            INDArray x = randn(2, 3, 9, 10);
            // Ties: a plateau of equal values, where the first in row-major order must win.
            x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(0)).assign(1.5);
            MaxPoolResult p = portable.maxPool2d(x, spec);
            MaxPoolResult c = cpu.maxPool2d(x, spec);
            assertClose(p.output(), c.output(), 0);
            assertEquals(p.switches(), c.switches());
            INDArray g = randn(p.output().shape());
            assertClose(portable.maxUnpoolAdd(g, p.switches(), x.shape(), spec), cpu.maxUnpoolAdd(g, c.switches(), x.shape(), spec), 1e-6);
            assertClose(p.output(), cpu.maxPool2dValues(x, spec), 0);
            // The same values stored channels-last, as CPU convolutions produce them on AVX-512 processors.
            INDArray xl = Layout.channelsLast(DataType.FLOAT, 2, 3, 9, 10).assign(x);
            MaxPoolResult l = cpu.maxPool2d(xl, spec);
            assertTrue(Layout.isChannelsLast(l.output()));
            assertClose(p.output(), l.output(), 0);
            assertClose(p.output(), cpu.maxPool2dValues(xl, spec), 0);
            assertClose(p.output(), portable.maxPool2dValues(x, spec), 0);
            assertEquals(p.switches(), l.switches().dup('c'));
            assertClose(portable.maxUnpoolAdd(g, p.switches(), x.shape(), spec), cpu.maxUnpoolAdd(g, l.switches(), x.shape(), spec), 1e-6);
            // the gradient in either layout: row-major as a convolution's input gradient, channels-last as a ReLU's
            INDArray gl = Layout.channelsLast(DataType.FLOAT, g.size(0), g.size(1), g.size(2), g.size(3)).assign(g);
            assertClose(portable.maxUnpoolAdd(g, p.switches(), x.shape(), spec), cpu.maxUnpoolAdd(gl, l.switches(), x.shape(), spec), 1e-6);
            // unpooling with a ReLU rule at the winners, in both layouts (defined for disjoint windows only)
            if (spec.windowsDisjoint()) for (boolean clamp : new boolean[]{false, true})
                for (boolean mask : new boolean[]{false, true}) {
                    INDArray expected = portable.maxUnpoolReluBackward(g, p.output(), p.switches(), x.shape(), spec, clamp, mask);
                    assertClose(expected, cpu.maxUnpoolReluBackward(g, c.output(), c.switches(), x.shape(), spec, clamp, mask), 0);
                    assertClose(expected, cpu.maxUnpoolReluBackward(g, l.output(), l.switches(), x.shape(), spec, clamp, mask), 0);
                }
        }
    }

    /** Pooling down to one position, where a row-major array also passes for channels-last (the two are one layout). */
    @Test
    void poolingToOnePositionAgrees() {
        for (long[] shape : new long[][]{{1, 16, 3, 3}, {2, 32, 2, 2}}) {
            PoolSpec spec = shape[2] == 3 ? PoolSpec.of(3, 2) : PoolSpec.of(2, 2);
            INDArray x = randn(shape);
            MaxPoolResult p = portable.maxPool2d(x, spec);
            assertClose(p.output(), cpu.maxPool2dValues(x, spec), 0);
            MaxPoolResult c = cpu.maxPool2d(x, spec);
            assertClose(p.output(), c.output(), 0);
            assertEquals(p.switches(), c.switches());
        }
    }

    /**
     * A 2x2 stride-2 unpooling of an even-sized input writes the whole gradient without zeroing it first: run in step
     * memory whose block was filled with NaN the step before, every element must still be the portable kernel's.
     */
    @Test
    void unpoolingThatTilesTheInputWritesEveryElement() {
        PoolSpec spec = PoolSpec.of(2, 2);
        for (long[] shape : new long[][]{{2, 3, 8, 10}, {2, 3, 8, 9}, {3, 16, 14, 14}}) {
            INDArray x = randn(shape);
            MaxPoolResult p = portable.maxPool2d(x, spec);
            INDArray g = randn(p.output().shape());
            INDArray expected = portable.maxUnpoolAdd(g, p.switches(), x.shape(), spec);
            INDArray xl = Layout.channelsLast(DataType.FLOAT, shape[0], shape[1], shape[2], shape[3]).assign(x);
            INDArray gl = Layout.channelsLast(DataType.FLOAT, g.size(0), g.size(1), g.size(2), g.size(3)).assign(g);
            try (StepMemory memory = new StepMemory("unpool-test")) {
                for (int step = 0; step < 3; step++) {
                    try (var ignored = memory.enter()) {
                        if (step == 0) {
                            Nd4j.createUninitialized(DataType.FLOAT, 8 * x.length()).assign(Float.NaN);
                            continue;
                        }
                        MaxPoolResult l = cpu.maxPool2d(xl, spec);
                        INDArray fromChannelsLast = cpu.maxUnpoolAdd(gl, l.switches(), x.shape(), spec);
                        INDArray fromRowMajor = cpu.maxUnpoolAdd(g, l.switches(), x.shape(), spec);
                        INDArray rowMajorSwitches = cpu.maxUnpoolAdd(g, cpu.maxPool2d(x, spec).switches(), x.shape(), spec);
                        assertEquals(expected, fromChannelsLast.dup('c'), java.util.Arrays.toString(shape));
                        assertEquals(expected, fromRowMajor.dup('c'), java.util.Arrays.toString(shape));
                        assertEquals(expected, rowMajorSwitches, java.util.Arrays.toString(shape));
                    }
                }
            }
        }
    }

    @Test
    void reluRulesAgreeInBothLayouts() {
        INDArray x = randn(2, 5, 6, 7), g = randn(2, 5, 6, 7);
        INDArray xl = Layout.channelsLast(DataType.FLOAT, 2, 5, 6, 7).assign(x), gl = Layout.channelsLast(DataType.FLOAT, 2, 5, 6, 7).assign(g);
        assertClose(portable.relu(x), cpu.relu(xl), 0);
        assertTrue(Layout.isChannelsLast(cpu.relu(xl)));
        for (boolean clamp : new boolean[]{false, true})
            for (boolean mask : new boolean[]{false, true}) {
                INDArray expected = portable.reluBackward(x, g, clamp, mask);
                assertClose(expected, cpu.reluBackward(x, g, clamp, mask), 0);
                assertClose(expected, cpu.reluBackward(xl, g, clamp, mask), 0);
                assertClose(expected, cpu.reluBackward(xl, gl, clamp, mask), 0);
                assertClose(expected, cpu.reluBackward(x, gl, clamp, mask), 0);
            }
    }

    /** Values with -0.0, NaN of both signs, infinities and denormals among ordinary ones, as [n, c, h, w]. */
    private INDArray awkward(long n, long c, long h, long w) {
        float[] pick = {-0f, 0f, Float.NaN, Float.intBitsToFloat(0xffc00000), Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
                Float.MIN_VALUE, -Float.MIN_VALUE};
        float[] v = new float[(int) (n * c * h * w)];
        for (int i = 0; i < v.length; i++) v[i] = random.nextInt(4) == 0 ? pick[random.nextInt(pick.length)] : (float) random.nextGaussian();
        return Nd4j.create(v, new long[]{n, c, h, w}, 'c');
    }

    private static int[] bits(INDArray a) {
        float[] v = a.dup('c').data().asFloat();
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }

    /**
     * The CPU set's Java ReLU loops (forward, and the three backward rules) give bit for bit what ND4J's ops (relu,
     * step, multiply) gave before them, signed zeros and NaN included, on a batch-1 layer that stays on one thread and
     * on one large enough to be split, in both layouts.
     */
    @Test
    void reluLoopsKeepNd4jsOpsResultsBitForBit() {
        for (long[] s : new long[][]{{1, 6, 9, 11}, {2, 40, 60, 60}}) {
            INDArray x = awkward(s[0], s[1], s[2], s[3]), g = awkward(s[0], s[1], s[2], s[3]);
            INDArray xl = Layout.channelsLast(DataType.FLOAT, s[0], s[1], s[2], s[3]).assign(x);
            INDArray relu = x.ulike();
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear(x, relu, 0.0));
            assertArrayEquals(bits(relu), bits(cpu.relu(x)), "forward " + java.util.Arrays.toString(s));
            assertArrayEquals(bits(relu), bits(cpu.relu(xl)), "forward, channels-last " + java.util.Arrays.toString(s));
            INDArray step = x.ulike();
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.scalar.Step(x, step, 0.0));
            INDArray masked = step.mul(g), guided = masked.ulike(), clamped = g.ulike();
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear(masked, guided, 0.0));
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear(g, clamped, 0.0));
            INDArray[] rules = {masked, guided, clamped};   // standard, guided, deconvnet
            boolean[][] flags = {{false, true}, {true, true}, {true, false}};
            for (int r = 0; r < rules.length; r++) {
                String what = "rule clamp=" + flags[r][0] + " mask=" + flags[r][1] + " " + java.util.Arrays.toString(s);
                assertArrayEquals(bits(rules[r]), bits(cpu.reluBackward(x, g, flags[r][0], flags[r][1])), what);
                assertArrayEquals(bits(rules[r]), bits(cpu.reluBackward(xl, g, flags[r][0], flags[r][1])), what + ", channels-last x");
            }
        }
    }

    @Test
    void channelAffineAgreesInBothLayouts() {
        INDArray x = randn(2, 5, 6, 7), scale = randn(5), shift = randn(5);
        INDArray xl = Layout.channelsLast(DataType.FLOAT, 2, 5, 6, 7).assign(x);
        INDArray expected = portable.channelAffine(x, scale, shift);
        assertClose(expected, cpu.channelAffine(xl, scale, shift), 1e-6);
        assertTrue(Layout.isChannelsLast(cpu.channelAffine(xl, scale, shift)), "channels-last stays channels-last");
        assertClose(portable.channelAffine(x, scale, null), cpu.channelAffine(xl, scale, null), 1e-6);
        // x * scale[c] + shift[c] at one element, from the definition.
        double at = x.getDouble(1, 3, 2, 4) * scale.getDouble(3) + shift.getDouble(3);
        assertEquals(at, expected.getDouble(1, 3, 2, 4), 1e-5);
    }

    @Test
    void poolingResizeAndNormalizationAgree() {
        INDArray x = randn(2, 5, 13, 10);
        PoolSpec spec = PoolSpec.of(3, 2, 1);
        assertClose(portable.avgPool2d(x, spec), cpu.avgPool2d(x, spec), 0);
        assertClose(portable.adaptiveAvgPool2d(x, 6, 4), cpu.adaptiveAvgPool2d(x, 6, 4), 0);
        assertClose(portable.lrn(x, 5, 1e-4, 0.75, 1), cpu.lrn(x, 5, 1e-4, 0.75, 1), 0);
        assertClose(portable.resizeBilinear(x, 17, 7), cpu.resizeBilinear(x, 17, 7), 1e-6);
        INDArray a = randn(7, 5), b = randn(4, 5);
        assertClose(portable.gemm(a, b, false, true), cpu.gemm(a, b, false, true), 0);
    }

    @Test
    void separableMapsThroughNonzerosAgreeWithMatrixProducts() {
        INDArray x = randn(2, 3, 13, 11);
        // upsampling and downsampling interpolation matrices, forward (R x C^T) and transposed (R^T g C)
        for (long[] size : new long[][]{{23, 19}, {9, 6}, {13, 11}}) {
            INDArray rows = Nd4j.createFromArray(Interpolation.bilinearAlignCorners(13, size[0])).castTo(DataType.FLOAT);
            INDArray cols = Nd4j.createFromArray(Interpolation.bilinear(11, size[1])).castTo(DataType.FLOAT);
            assertClose(portable.separableLinear(x, rows, cols, false), cpu.separableLinear(x, rows, cols, false), 1e-6);
            INDArray g = randn(2, 3, size[0], size[1]);
            assertClose(portable.separableLinear(g, rows, cols, true), cpu.separableLinear(g, rows, cols, true), 1e-6);
        }
        // dense matrices (a Fourier transform's) keep the matrix products: the same numbers bit for bit
        INDArray rows = randn(7, 13), cols = randn(5, 11);
        assertClose(portable.separableLinear(x, rows, cols, false), cpu.separableLinear(x, rows, cols, false), 0);
        // a sum over nonzeros lets an infinite pixel reach only the outputs that interpolate it, as PyTorch's resize
        INDArray picture = Nd4j.zeros(DataType.FLOAT, 1, 1, 4, 4).putScalar(new long[]{0, 0, 0, 0}, Float.POSITIVE_INFINITY);
        INDArray up = Nd4j.createFromArray(Interpolation.bilinearAlignCorners(4, 7)).castTo(DataType.FLOAT);
        INDArray resized = cpu.separableLinear(picture, up, up, false);
        assertEquals(Float.POSITIVE_INFINITY, resized.getFloat(0, 0, 0, 0));
        assertEquals(0f, resized.getFloat(0, 0, 6, 6));
    }
}
