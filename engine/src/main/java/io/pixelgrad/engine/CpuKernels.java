package io.pixelgrad.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * Kernels tuned for ND4J's CPU backend.
 * <ul>
 *   <li>On processors with AVX-512, convolutions write channels-last outputs (see {@link Layout}): oneDNN's AVX-512
 *       kernels then read and write them without the reorders that cost twice the convolution itself on a row-major
 *       NCHW array. Its AVX2 kernels compute in blocks of 8 channels whatever the layout, and reorder row-major NCHW
 *       into those blocks faster than NHWC, so there the outputs stay row-major (see {@link #LAYOUT_PROPERTY}).</li>
 *   <li>The input gradient of a convolution is oneDNN's transposed convolution instead of ND4J's conv2d_bp, which gets
 *       no oneDNN speed-up.</li>
 *   <li>ReLU and its backward rules run as ND4J's vectorized elementwise ops on the dense buffer behind a
 *       channels-last view; max-pool switches and unpooling are single loops over the buffers, split over threads
 *       by disjoint ranges.</li>
 * </ul>
 * Float64 arrays (gradient checks) and odd layouts take the portable path.
 */
class CpuKernels extends PortableKernels {

    /**
     * System property that fixes the layout of convolution outputs, {@code channels-last} or {@code row-major}, instead
     * of the processor's choice (channels-last with AVX-512). Both give the same numbers up to float32 rounding.
     */
    static final String LAYOUT_PROPERTY = "pixelgrad.layout";

    /**
     * Whether convolutions write channels-last outputs. Measured on VGG16 at 224 with oneDNN 2.3 (bundled with ND4J
     * 1.0.0-M2.1) on a 2-core AVX2 machine: oneDNN's reorders took 139 ms of a forward and backward pass channels-last
     * against 96 ms row-major, and the whole pass 748 against 719 ms (medians of 4 interleaved runs of each).
     */
    private final boolean channelsLast;

    /** The kernels with the layout that {@link #LAYOUT_PROPERTY} or the processor chooses. */
    CpuKernels() {
        this(channelsLastConvolutions());
    }

    /** The kernels with convolution outputs channels-last or row-major. */
    CpuKernels(boolean channelsLast) {
        this.channelsLast = channelsLast;
    }

    /** The layout of convolution outputs: {@link #LAYOUT_PROPERTY} if set, else channels-last on AVX-512 processors. */
    static boolean channelsLastConvolutions() {
        String forced = System.getProperty(LAYOUT_PROPERTY, "").trim().toLowerCase(java.util.Locale.ROOT);
        switch (forced) {
            case "channels-last":
                return true;
            case "row-major":
                return false;
            case "":
                // 3: AVX-512 (F, VL, BW, DQ and CD), the level at which oneDNN convolves NHWC directly. The backend
                // must be loaded first: it tells the holder which native library to open.
                Nd4j.getBackend();
                return NativeOpsHolder.getInstance().getDeviceNativeOps().optimalLevel() >= 3;
            default:
                throw new IllegalArgumentException("-D" + LAYOUT_PROPERTY + " must be 'channels-last' or 'row-major', not '" + forced + "'");
        }
    }

    @Override
    public String name() {
        return "cpu";
    }

    // ---------------------------------------------------------------- convolution

    @Override
    protected INDArray conv2dOneGroup(INDArray x, INDArray weight, INDArray bias, ConvSpec spec) {
        if (dilated(spec) || x.dataType() != DataType.FLOAT) return super.conv2dOneGroup(x, weight, bias, spec);
        long kH = weight.size(2), kW = weight.size(3);
        long n = x.size(0), o = weight.size(0), oh = spec.outH(x.size(2), kH), ow = spec.outW(x.size(3), kW);
        INDArray out = channelsLast ? Layout.channelsLast(x.dataType(), n, o, oh, ow) : Nd4j.createUninitialized(x.dataType(), n, o, oh, ow);
        INDArray[] inputs = bias == null ? new INDArray[]{x, weight} : new INDArray[]{x, weight, bias};
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(inputs).addOutputs(out).addIntegerArguments(convArgs(kH, kW, spec)).build());
        return out;
    }

    @Override
    protected ConvGradients conv2dBackwardOneGroup(INDArray x, INDArray weight, boolean hasBias, INDArray gradOut,
                                                   ConvSpec spec, boolean wantInput, boolean wantWeights) {
        if (wantWeights && !wantInput && x.dataType() == DataType.FLOAT && Layout.isRowMajor(x)
                && x.size(1) * weight.size(2) * weight.size(3) <= PATCH_COLUMNS && Layout.dense(gradOut) != null
                && (PATCH_COLUMNS + 1L) * gradOut.length() / gradOut.size(1) < Integer.MAX_VALUE)
            return weightGradientsByPatches(x, weight, hasBias, gradOut, spec);
        if (wantWeights || dilated(spec) || x.dataType() != DataType.FLOAT)
            return super.conv2dBackwardOneGroup(x, weight, hasBias, gradOut, spec, wantInput, wantWeights);
        // Flipping the kernels costs time in proportion to their size, the convolution in proportion to the image
        // too: measured here, the flipped convolution wins from about 56x56 positions up, oneDNN's transposed
        // convolution below that (512 channels at 28x28: 40 ms against 28 ms; 64 channels at 224x224: 20 against 35).
        boolean large = gradOut.size(2) * gradOut.size(3) >= 3000;
        INDArray viaConvolution = large ? flippedConv(gradOut, weight, x, spec) : null;
        return new ConvGradients(viaConvolution != null ? viaConvolution : transposedConv(gradOut, weight, x, spec), null, null);
    }

    /**
     * The nonzero box read from the buffer, line by line from each edge inwards: each edge's scan stops at the first
     * line with a nonzero, so a dense gradient costs four short scans, not a pass over the array.
     */
    @Override
    protected int[] nonzeroBox(INDArray a) {
        INDArray dense = Layout.dense(a);
        if (dense == null || (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE)) return super.nonzeroBox(a);
        NonzeroLines lines = new NonzeroLines(a, dense);
        int h = (int) a.size(2), w = (int) a.size(3);
        int top = 0;
        while (top < h && !lines.inRow(top)) top++;
        if (top == h) return null;
        int bottom = h - 1;
        while (!lines.inRow(bottom)) bottom--;
        int left = 0;
        while (!lines.inColumn(left, top, bottom + 1)) left++;
        int right = w - 1;
        while (!lines.inColumn(right, top, bottom + 1)) right--;
        return new int[]{top, bottom + 1, left, right + 1};
    }

    /** Whether a row or a column of a dense [N,C,H,W] array holds a nonzero (NaN included) in any sample and channel. */
    private static final class NonzeroLines {
        private final int n, c, h, w;
        private final boolean channelsLast;
        private final java.nio.FloatBuffer floats;
        private final java.nio.DoubleBuffer doubles;

        NonzeroLines(INDArray a, INDArray dense) {
            n = (int) a.size(0);
            c = (int) a.size(1);
            h = (int) a.size(2);
            w = (int) a.size(3);
            channelsLast = Layout.isChannelsLast(a);
            floats = a.dataType() == DataType.FLOAT ? dense.data().asNioFloat() : null;
            doubles = floats == null ? dense.data().asNioDouble() : null;
        }

        /** Whether any of the count elements from index from, step apart, is nonzero. */
        private boolean any(int from, int count, int step) {
            if (floats != null) {
                for (int i = 0, at = from; i < count; i++, at += step) if (floats.get(at) != 0) return true;
            } else {
                for (int i = 0, at = from; i < count; i++, at += step) if (doubles.get(at) != 0) return true;
            }
            return false;
        }

        boolean inRow(int y) {
            for (int s = 0; s < n; s++) {
                if (channelsLast) {
                    if (any((s * h + y) * w * c, w * c, 1)) return true;
                } else {
                    for (int ch = 0; ch < c; ch++) if (any(((s * c + ch) * h + y) * w, w, 1)) return true;
                }
            }
            return false;
        }

        boolean inColumn(int x, int fromRow, int toRow) {
            for (int s = 0; s < n; s++) {
                if (channelsLast) {
                    for (int y = fromRow; y < toRow; y++) if (any(((s * h + y) * w + x) * c, c, 1)) return true;
                } else {
                    for (int ch = 0; ch < c; ch++) if (any(((s * c + ch) * h + fromRow) * w + x, toRow - fromRow, w)) return true;
                }
            }
            return false;
        }
    }

    /** Most entries per window for {@link #weightGradientsByPatches}: the first layer of an image network (3x3 grey: 9). */
    private static final int PATCH_COLUMNS = 64;

    /**
     * Weight and bias gradients of a convolution whose input needs none (the first layer in training), for few input
     * channels: the input under each kernel tap as one row of a [C*kH*kW + 1, positions] matrix (the last row ones,
     * for the bias), then one product with gradOut as [positions, O]. ND4J's conv2d_bp computes the unwanted input
     * gradient as well, and with one input channel took about twice as long as this.
     */
    private static ConvGradients weightGradientsByPatches(INDArray x, INDArray weight, boolean hasBias, INDArray gradOut, ConvSpec s) {
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
        int o = (int) weight.size(0), kH = (int) weight.size(2), kW = (int) weight.size(3);
        int oh = (int) gradOut.size(2), ow = (int) gradOut.size(3), columns = c * kH * kW, positions = oh * ow;
        long all = (long) n * positions;
        // the windows transposed, [C*kH*kW, N*positions]: for one kernel tap, an output row's inputs are one run of an
        // input row, copied as such
        INDArray taps = Nd4j.createUninitialized(DataType.FLOAT, columns + (hasBias ? 1 : 0), all);
        FloatBuffer in = x.data().asNioFloat(), dst = taps.data().asNioFloat();
        Parallel.forEach(n, b -> {
            float[] image = new float[c * h * w], run = new float[positions];
            in.get(b * c * h * w, image, 0, image.length);
            for (int ch = 0, k = 0; ch < c; ch++)
                for (int ky = 0; ky < kH; ky++)
                    for (int kx = 0; kx < kW; kx++, k++) {
                        int shift = kx * s.dilationW() - s.padW();
                        // the output columns whose input column shift + j*stride lies inside the image
                        int jFrom = Math.max(0, Math.floorDiv(-shift + s.strideW() - 1, s.strideW()));
                        int jTo = Math.min(ow, Math.floorDiv(w - 1 - shift, s.strideW()) + 1);
                        java.util.Arrays.fill(run, 0f);
                        for (int i = 0; i < oh; i++) {
                            int row = i * s.strideH() - s.padH() + ky * s.dilationH();
                            if (row < 0 || row >= h) continue;
                            int base = (ch * h + row) * w + shift;
                            for (int j = jFrom; j < jTo; j++) run[i * ow + j] = image[base + j * s.strideW()];
                        }
                        dst.put((int) (k * all) + b * positions, run, 0, positions);
                    }
            if (hasBias) {
                java.util.Arrays.fill(run, 1f);   // a row of ones: the product's last row is then the bias gradient
                dst.put((int) (columns * all) + b * positions, run, 0, positions);
            }
        });
        // gradOut as [positions, O]: a view of a channels-last buffer, else a transposed copy
        boolean copied = !Layout.isChannelsLast(gradOut);
        INDArray g = copied ? gradOut.permute(0, 2, 3, 1).dup('c').reshape('c', all, o)
                : Layout.dense(gradOut).reshape('c', all, o);
        INDArray product = Nd4j.gemm(taps, g, false, false);                                     // [C*kH*kW (+1), O]
        INDArray gW = Arrays.reshapeCopy(product.get(NDArrayIndex.interval(0, columns), NDArrayIndex.all()).transpose(), weight.shape());
        INDArray gB = hasBias ? product.getRow(columns).dup() : null;
        Arrays.release(taps, product);
        if (copied) Arrays.release(g);
        return new ConvGradients(null, gW, gB);
    }

    /**
     * The gradient to the input of a stride-1 convolution is itself a convolution: of gradOut with the kernels flipped
     * in both spatial axes and input/output channels swapped, padded by k-1-p. oneDNN runs that faster than its
     * transposed convolution. Returns null when the padding does not allow it (p > k-1).
     */
    private static INDArray flippedConv(INDArray gradOut, INDArray weight, INDArray x, ConvSpec s) {
        int o = (int) weight.size(0), i = (int) weight.size(1), kH = (int) weight.size(2), kW = (int) weight.size(3);
        int padH = kH - 1 - s.padH(), padW = kW - 1 - s.padW();
        if (s.strideH() != 1 || s.strideW() != 1 || padH < 0 || padW < 0) return null;
        INDArray w = Arrays.contiguous(weight);
        INDArray flipped = Nd4j.createUninitialized(DataType.FLOAT, i, o, kH, kW);
        FloatBuffer src = w.data().asNioFloat(), dst = flipped.data().asNioFloat();
        int plane = kH * kW;
        Parallel.forRanges(o, (o0, o1) -> {
            for (int oc = (int) o0; oc < o1; oc++)
                for (int ic = 0; ic < i; ic++) {
                    int from = (oc * i + ic) * plane, to = (ic * o + oc) * plane + plane - 1;
                    for (int k = 0; k < plane; k++) dst.put(to - k, src.get(from + k));
                }
        });
        if (w != weight) Arrays.release(w);
        INDArray out = Layout.like(x);
        ConvSpec flippedSpec = new ConvSpec(1, 1, padH, padW, 1, 1, 1);
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(gradOut, flipped).addOutputs(out)
                .addIntegerArguments(convArgs(kH, kW, flippedSpec)).build());
        Arrays.release(flipped);
        return out;
    }

    /**
     * The gradient to the input: a transposed convolution of gradOut with the same OIYX weights, which ND4J's deconv2d
     * reads directly as its [iC, oC, kH, kW] layout. deconv2d has no output padding, so when the forward pass did not
     * reach the last rows or columns it runs unpadded and the input-sized window is cut out of the full result.
     */
    private static INDArray transposedConv(INDArray gradOut, INDArray weight, INDArray x, ConvSpec s) {
        long kH = weight.size(2), kW = weight.size(3);
        long[] inputShape = x.shape();
        long fullH = (gradOut.size(2) - 1) * s.strideH() + (kH - 1) * s.dilationH() + 1;
        long fullW = (gradOut.size(3) - 1) * s.strideW() + (kW - 1) * s.dilationW() + 1;
        boolean exact = fullH - 2L * s.padH() == inputShape[2] && fullW - 2L * s.padW() == inputShape[3];
        int pH = exact ? s.padH() : 0, pW = exact ? s.padW() : 0;
        INDArray out = exact ? Layout.like(x)
                : Layout.isChannelsLast(x) ? Layout.channelsLast(gradOut.dataType(), inputShape[0], inputShape[1], fullH, fullW)
                : Nd4j.createUninitialized(gradOut.dataType(), inputShape[0], inputShape[1], fullH, fullW);
        Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(gradOut, weight).addOutputs(out)
                .addIntegerArguments((int) kH, (int) kW, s.strideH(), s.strideW(), pH, pW, s.dilationH(), s.dilationW(), 0, 0, 1).build());
        if (exact) return out;
        long rows = Math.min(inputShape[2], fullH - s.padH()), cols = Math.min(inputShape[3], fullW - s.padW());
        INDArray grad = Layout.zerosLike(x);
        grad.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, rows), NDArrayIndex.interval(0, cols))
                .assign(out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(s.padH(), s.padH() + rows),
                        NDArrayIndex.interval(s.padW(), s.padW() + cols)));
        Arrays.release(out);
        return grad;
    }

    // ---------------------------------------------------------------- ReLU

    /** Elements per block of the fused ReLU backward: two 32 KB arrays, well inside a core's L2 cache. */
    private static final int RELU_BLOCK = 8192;

    /**
     * step(x): 1f where x > 0, else 0f (NaN and -0.0 included), computed from the bits without a branch. A ReLU's
     * inputs change sign at random, so "x > 0 ? 1f : 0f" mispredicts about every other element: six times slower.
     * The positive numbers above zero are exactly the bit patterns 0x00000001 .. 0x7f800000 (+infinity).
     */
    static float positive(float x) {
        int bits = Float.floatToRawIntBits(x);
        return (float) ((((bits - 1) | (0x7f800000 - bits)) >>> 31) ^ 1);
    }

    @Override
    public INDArray relu(INDArray x) {
        INDArray dense = x.dataType() == DataType.FLOAT ? Layout.dense(x) : null;
        if (dense == null) return super.relu(x);
        INDArray out = Layout.like(x);
        if (x.length() >= SMALL_ELEMENTWISE) {
            Nd4j.exec(new RectifiedLinear(dense, Layout.dense(out), 0.0));
            return out;
        }
        // A small layer's ReLU (batch 1) in Java on this thread: ND4J's op wakes its OpenMP team, 50-80 us of fixed
        // cost. The same rule as that op: x < 0 gives 0; -0.0 and NaN stay as they are.
        FloatBuffer xb = dense.data().asNioFloat(), ob = Layout.dense(out).data().asNioFloat();
        float[] v = new float[(int) x.length()];
        xb.get(0, v, 0, v.length);
        for (int k = 0; k < v.length; k++) v[k] = reluValue(v[k]);
        ob.put(0, v, 0, v.length);
        return out;
    }

    /**
     * Below this many elements the ReLU and its guided and deconvnet rules are a Java loop on the calling thread,
     * from it ND4J's vectorized ops: about 1 ns per element in Java against ND4J's fixed 50-80 us (measured on a
     * 2-core AVX-512 VM: 12 against 25 us at 4096 elements, 47 against 85 us at 43,264).
     */
    private static final long SMALL_ELEMENTWISE = 1 << 16;

    /**
     * One element of a built-in ReLU rule: g, zeroed where x is not positive (maskByInput), then clamped at 0
     * (clampGradient) by ND4J's relu rule, under which -0.0 and NaN pass.
     */
    static float reluRule(float x, float g, boolean clampGradient, boolean maskByInput) {
        float t = maskByInput ? positive(x) * g : g;
        return clampGradient ? reluValue(t) : t;
    }

    /**
     * ND4J's relu of one value, x &lt; 0 ? 0 : x (so -0.0 and NaN stay), without a branch: the sign of a ReLU's input is
     * a coin toss that a branch mispredicts. Clears every bit of x when its sign is set and its magnitude is neither
     * zero nor a NaN's.
     */
    static float reluValue(float x) {
        int bits = Float.floatToRawIntBits(x), belowMagnitude = (bits & 0x7fffffff) - 1;
        int strictlyNegative = (bits >> 31) & ~((belowMagnitude | (0x7f7fffff - belowMagnitude)) >> 31);
        return Float.intBitsToFloat(bits & ~strictlyNegative);
    }

    /**
     * One pass over the dense buffers in Java: mask = step(x) (1 where x > 0), clamp = relu(g), as ND4J's ops define
     * them. A NaN input blocks the gradient here; PyTorch (and the portable set) let it through.
     */
    @Override
    public INDArray reluBackward(INDArray x, INDArray g, boolean clampGradient, boolean maskByInput) {
        INDArray dx = x.dataType() == DataType.FLOAT && g.dataType() == DataType.FLOAT ? Layout.dense(x) : null;
        if (dx == null) return super.reluBackward(x, g, clampGradient, maskByInput);
        boolean standard = maskByInput && !clampGradient, inJava = standard || x.length() < SMALL_ELEMENTWISE;
        if (inJava && Layout.isChannelsLast(x) && Layout.isRowMajor(g) && java.util.Arrays.equals(x.shape(), g.shape()))
            return reluBackwardChannelsLastOfRowMajor(x, g, clampGradient, maskByInput);
        INDArray gl = Layout.toLayoutOf(x, g);
        INDArray out = Layout.like(x);
        INDArray dg = Layout.dense(gl), dout = Layout.dense(out);
        if (!inJava) {
            // a large guided or deconvnet rule: ND4J's vectorized ops; mask * g then (guided) the ReLU of that, which
            // equals mask * relu(g) because the mask is 0 or 1
            if (maskByInput) {
                Nd4j.exec(new Step(dx, dout, 0.0));
                dout.muli(dg);
                if (clampGradient) Nd4j.exec(new RectifiedLinear(dout, dout, 0.0));
            } else if (clampGradient) {
                Nd4j.exec(new RectifiedLinear(dg, dout, 0.0));
            } else {
                dout.assign(dg);
            }
            if (gl != g) Arrays.release(gl);
            return out;
        }
        // One pass over both buffers (split over threads when large) instead of an op per part of the rule, through
        // small blocks that stay in cache rather than copies of a thread's whole range.
        FloatBuffer xb = dx.data().asNioFloat(), gb = dg.data().asNioFloat(), ob = dout.data().asNioFloat();
        Parallel.forElements(x.length(), (from, to) -> {
            float[] xs = new float[RELU_BLOCK], gs = new float[RELU_BLOCK];
            for (long at = from; at < to; at += RELU_BLOCK) {
                int n = (int) Math.min(RELU_BLOCK, to - at), i = (int) at;
                xb.get(i, xs, 0, n);
                gb.get(i, gs, 0, n);
                if (standard) {
                    for (int k = 0; k < n; k++) gs[k] = positive(xs[k]) * gs[k];
                } else {
                    for (int k = 0; k < n; k++) gs[k] = reluRule(xs[k], gs[k], clampGradient, maskByInput);
                }
                ob.put(i, gs, 0, n);
            }
        });
        if (gl != g) Arrays.release(gl);
        return out;
    }

    /** Positions per task of {@link #reluBackwardChannelsLastOfRowMajor}: a tile of both buffers stays in cache. */
    private static final int RELU_TILE = 64;

    /**
     * A ReLU rule where x is channels-last and g row-major NCHW (a convolution's input gradient comes that way from
     * ND4J): g is transposed tile by tile on the way, instead of first being copied whole into x's layout, which took
     * longer than the gradient itself. The result is channels-last, like x.
     */
    private static INDArray reluBackwardChannelsLastOfRowMajor(INDArray x, INDArray g, boolean clampGradient, boolean maskByInput) {
        int n = (int) x.size(0), c = (int) x.size(1), positions = (int) (x.size(2) * x.size(3));
        INDArray out = Layout.like(x);
        FloatBuffer xb = x.data().asNioFloat(), gb = g.data().asNioFloat(), ob = out.data().asNioFloat();
        int tiles = (positions + RELU_TILE - 1) / RELU_TILE;
        boolean standard = maskByInput && !clampGradient;
        // tiles of small layers stay on this thread (forElements counts them by their elements)
        Parallel.forElements((long) n * tiles * RELU_TILE * c, (e0, e1) -> {
            float[] xs = new float[RELU_TILE * c], gs = new float[RELU_TILE * c];
            long per = (long) RELU_TILE * c;
            for (long task = e0 / per; task < e1 / per; task++) {
                int b = (int) (task / tiles), p0 = (int) (task % tiles) * RELU_TILE, count = Math.min(RELU_TILE, positions - p0);
                xb.get((b * positions + p0) * c, xs, 0, count * c);
                for (int ch = 0; ch < c; ch++) gb.get((b * c + ch) * positions + p0, gs, ch * RELU_TILE, count);
                if (standard) {
                    for (int k = 0; k < count; k++)
                        for (int ch = 0; ch < c; ch++) xs[k * c + ch] = positive(xs[k * c + ch]) * gs[ch * RELU_TILE + k];
                } else {
                    for (int k = 0; k < count; k++)
                        for (int ch = 0; ch < c; ch++)
                            xs[k * c + ch] = reluRule(xs[k * c + ch], gs[ch * RELU_TILE + k], clampGradient, maskByInput);
                }
                ob.put((b * positions + p0) * c, xs, 0, count * c);
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- separable maps (resizing) and bilinear sampling

    /**
     * Interpolation matrices (resizing) are applied through their nonzeros ({@link SparseRows}); dense ones, such as
     * the inverse Fourier transform's, and float64 planes through the two matrix products.
     */
    @Override
    public INDArray separableLinear(INDArray x, INDArray mh, INDArray mw, boolean transposed) {
        checkSeparable(x, mh, mw, transposed);
        if (x.dataType() == DataType.FLOAT) {
            SparseRows rows = SparseRows.of(mh, transposed), cols = rows == null ? null : SparseRows.of(mw, transposed);
            if (cols != null) return SparseRows.separable(x, rows, cols);
        }
        return super.separableLinear(x, mh, mw, transposed);
    }

    /** One pass over the planes with the sampler's four corners; each plane is one thread's, so sums never race. */
    @Override
    public INDArray sampleBilinear(INDArray input, BilinearSampler s) {
        DataType t = input.dataType();
        if ((t != DataType.FLOAT && t != DataType.DOUBLE) || input.size(2) != s.inH() || input.size(3) != s.inW())
            return super.sampleBilinear(input, s);
        INDArray x = Arrays.contiguous(input);
        int planes = (int) (x.size(0) * x.size(1)), in = s.inH() * s.inW(), outSize = s.outH() * s.outW();
        INDArray out = Nd4j.createUninitialized(t, x.size(0), x.size(1), s.outH(), s.outW());
        if (t == DataType.FLOAT) {
            FloatBuffer src = x.data().asNioFloat(), dst = out.data().asNioFloat();
            Parallel.forEach(planes, p -> {
                float[] plane = new float[in], o = new float[outSize];
                src.get(p * in, plane, 0, in);
                for (int k = 0; k < 4; k++) {
                    int[] idx = s.indices(k);
                    double[] w = s.weights(k);
                    for (int i = 0; i < outSize; i++) o[i] += (float) (w[i] * plane[idx[i]]);
                }
                dst.put(p * outSize, o, 0, outSize);
            });
        } else {
            DoubleBuffer src = x.data().asNioDouble(), dst = out.data().asNioDouble();
            Parallel.forEach(planes, p -> {
                double[] plane = new double[in], o = new double[outSize];
                src.get(p * in, plane, 0, in);
                for (int k = 0; k < 4; k++) {
                    int[] idx = s.indices(k);
                    double[] w = s.weights(k);
                    for (int i = 0; i < outSize; i++) o[i] += w[i] * plane[idx[i]];
                }
                dst.put(p * outSize, o, 0, outSize);
            });
        }
        if (x != input) Arrays.release(x);
        return out;
    }

    @Override
    public INDArray sampleBilinearBackward(INDArray gradOut, BilinearSampler s) {
        DataType t = gradOut.dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE) return super.sampleBilinearBackward(gradOut, s);
        INDArray g = Arrays.contiguous(gradOut);
        int planes = (int) (g.size(0) * g.size(1)), in = s.inH() * s.inW(), outSize = s.outH() * s.outW();
        INDArray out = Nd4j.createUninitialized(t, g.size(0), g.size(1), s.inH(), s.inW());
        if (t == DataType.FLOAT) {
            FloatBuffer src = g.data().asNioFloat(), dst = out.data().asNioFloat();
            Parallel.forEach(planes, p -> {
                float[] o = new float[outSize], plane = new float[in];
                src.get(p * outSize, o, 0, outSize);
                for (int k = 0; k < 4; k++) {
                    int[] idx = s.indices(k);
                    double[] w = s.weights(k);
                    for (int i = 0; i < outSize; i++) plane[idx[i]] += (float) (w[i] * o[i]);
                }
                dst.put(p * in, plane, 0, in);
            });
        } else {
            DoubleBuffer src = g.data().asNioDouble(), dst = out.data().asNioDouble();
            Parallel.forEach(planes, p -> {
                double[] o = new double[outSize], plane = new double[in];
                src.get(p * outSize, o, 0, outSize);
                for (int k = 0; k < 4; k++) {
                    int[] idx = s.indices(k);
                    double[] w = s.weights(k);
                    for (int i = 0; i < outSize; i++) plane[idx[i]] += w[i] * o[i];
                }
                dst.put(p * in, plane, 0, in);
            });
        }
        if (g != gradOut) Arrays.release(g);
        return out;
    }

    // ---------------------------------------------------------------- per-channel affine map

    @Override
    public INDArray channelAffine(INDArray x, INDArray scale, INDArray shift) {
        if (!Layout.isChannelsLast(x) && Layout.isRowMajor(x) && (x.dataType() == DataType.FLOAT || x.dataType() == DataType.DOUBLE))
            return channelAffineRowMajor(x, scale, shift);
        if (!Layout.isChannelsLast(x)) return super.channelAffine(x, scale, shift);
        // Channels-last: rows of C values, so the per-channel vectors broadcast along rows.
        INDArray out = Layout.like(x);
        INDArray rows = Layout.dense(out).reshape('c', x.length() / x.size(1), x.size(1));
        rows.assign(Layout.dense(x).reshape('c', x.length() / x.size(1), x.size(1)));
        rows.muliRowVector(scale.reshape(1, scale.length()));
        if (shift != null) rows.addiRowVector(shift.reshape(1, shift.length()));
        return out;
    }

    /** The per-channel affine map on a row-major NCHW array: one plane at a time, without broadcast copies. */
    private static INDArray channelAffineRowMajor(INDArray x, INDArray scale, INDArray shift) {
        long c = x.size(1);
        int plane = (int) (x.size(2) * x.size(3)), planes = (int) (x.size(0) * c);
        double[] a = scale.castTo(DataType.DOUBLE).data().asDouble();
        double[] b = shift == null ? new double[(int) c] : shift.castTo(DataType.DOUBLE).data().asDouble();
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer src = x.data().asNioFloat(), dst = out.data().asNioFloat();
            Parallel.forEach(planes, p -> {
                float[] v = new float[plane];
                src.get(p * plane, v, 0, plane);
                float sa = (float) a[(int) (p % c)], sb = (float) b[(int) (p % c)];
                for (int i = 0; i < plane; i++) v[i] = v[i] * sa + sb;
                dst.put(p * plane, v, 0, plane);
            });
        } else {
            DoubleBuffer src = x.data().asNioDouble(), dst = out.data().asNioDouble();
            Parallel.forEach(planes, p -> {
                double[] v = new double[plane];
                src.get(p * plane, v, 0, plane);
                double sa = a[(int) (p % c)], sb = b[(int) (p % c)];
                for (int i = 0; i < plane; i++) v[i] = v[i] * sa + sb;
                dst.put(p * plane, v, 0, plane);
            });
        }
        return out;
    }

    // ---------------------------------------------------------------- max pooling with switches

    @Override
    public MaxPoolResult maxPool2d(INDArray input, PoolSpec s) {
        boolean nhwc = Layout.isChannelsLast(input);
        if (input.dataType() != DataType.FLOAT || s.outH(input.size(2)) < 1 || s.outW(input.size(3)) < 1)
            return super.maxPool2d(input, s);
        INDArray x = nhwc ? input : Arrays.contiguous(input);
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
        int oh = (int) s.outH(h), ow = (int) s.outW(w);
        INDArray out = nhwc ? Layout.channelsLast(DataType.FLOAT, n, c, oh, ow) : Nd4j.createUninitialized(DataType.FLOAT, n, c, oh, ow);
        INDArray switches = nhwc ? Layout.channelsLast(DataType.INT64, n, c, oh, ow) : Nd4j.createUninitialized(DataType.INT64, n, c, oh, ow);
        FloatBuffer in = x.data().asNioFloat(), dst = out.data().asNioFloat();
        LongBuffer sw = switches.data().asNioLong();
        Window win = Window.of(s);
        // Row-major planes are read whole and ranked by key (AlexNet's 3x3 pools took 2.7, 2.0 and 0.9 ms by rows,
        // 2.1, 1.7 and 0.7 ms by planes); VGG's 2x2 stride-2 windows by an unrolled loop of their own.
        boolean vgg2x2 = win.equals(new Window(2, 2, 2, 2, 0, 0, 1, 1));
        if (!nhwc && win.kH() * win.kW() <= 16) {
            Parallel.forRanges((long) n * c, (p0, p1) -> {
                float[] plane = new float[h * w], best = new float[oh * ow];
                long[] index = new long[oh * ow];
                for (int p = (int) p0; p < p1; p++) {
                    in.get(p * h * w, plane, 0, h * w);
                    if (hasNaN(plane)) {
                        poolRowsOfPlane(in, dst, sw, win, p, h, w, oh, ow);
                        continue;
                    }
                    if (vgg2x2) poolPlane2x2(plane, best, index, w, oh, ow);
                    else poolPlaneKeys(plane, best, index, win, h, w, oh, ow);
                    dst.put(p * oh * ow, best, 0, oh * ow);
                    sw.put(p * oh * ow, index, 0, oh * ow);
                }
            });
            if (x != input) Arrays.release(x);
            return new MaxPoolResult(out, switches);
        }
        // a plane of a row-major array is a one-channel channels-last image: the same row loops take it
        int images = nhwc ? n : n * c, channels = nhwc ? c : 1;
        Parallel.forRanges((long) images * oh, (r0, r1) -> {
            // one set of row buffers per thread: a fresh set per row made the pools most of a training step's
            // garbage (11 MB per call)
            float[][] buffers = new float[win.kH()][w * channels];
            float[] best = new float[ow * channels];
            long[] index = new long[ow * channels], keys = new long[channels];
            for (int row = (int) r0; row < r1; row++)
                poolRowChannelsLast(in, dst, sw, win, row / oh, row % oh, channels, h, w, oh, ow, buffers, best, index, keys);
        });
        if (x != input) Arrays.release(x);
        return new MaxPoolResult(out, switches);
    }

    /**
     * Without switches the values of a channels-last array come from oneDNN's max pooling, which reads its dense NHWC
     * buffer directly; those of other arrays from the Java loops of {@link #maxPool2d}, its switches dropped: oneDNN
     * 2.3 pools plain NCHW with a reference kernel on AVX2 (VGG16's first pool: 24 ms, against 5 ms NHWC).
     */
    @Override
    public INDArray maxPool2dValues(INDArray x, PoolSpec s) {
        if (x.dataType() != DataType.FLOAT || s.outH(x.size(2)) < 1 || s.outW(x.size(3)) < 1) return super.maxPool2dValues(x, s);
        // ND4J's max pooling does not count padding as -inf: windows that reach into padding stay with our loop.
        boolean plain = s.padH() == 0 && s.padW() == 0 && s.dilationH() == 1 && s.dilationW() == 1;
        if (!plain || !Layout.isChannelsLast(x)) {
            MaxPoolResult pooled = maxPool2d(x, s);
            Arrays.release(pooled.switches());
            return pooled.output();
        }
        INDArray out = Layout.channelsLast(DataType.FLOAT, x.size(0), x.size(1), s.outH(x.size(2)), s.outW(x.size(3)));
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(Layout.dense(x)).addOutputs(Layout.dense(out))
                .addIntegerArguments(s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padH(), s.padW(),
                        s.dilationH(), s.dilationW(), 0, 0, 1).build());
        return out;
    }

    /**
     * A candidate of a 2x2 max-pool window as one long whose order is the pooling's choice: the value's float order in
     * the high bits (the raw bits mapped so that integer order is float order, with -0.0 and 0.0 equal, as a float
     * compare sees them), and in the low four bits tie = 15 - place in the window (up to 16 places), so that among equal
     * values the first in row-major order wins, PyTorch's rule. NaN is not ordered this way; rows with a NaN take the
     * exact loop.
     */
    static long poolKey(int bits, int tie) {
        int sortable = (bits ^ ((bits >> 31) & 0x7fffffff)) + (bits >>> 31);
        return ((long) sortable << 4) | tie;
    }

    /** Every output row of plane p of a row-major max-pool through the row loops (a plane holding a NaN). */
    private static void poolRowsOfPlane(FloatBuffer in, FloatBuffer dst, LongBuffer sw, Window s, int p, int h, int w, int oh, int ow) {
        float[][] buffers = new float[s.kH()][w];
        float[] best = new float[ow];
        long[] index = new long[ow], keys = new long[1];
        for (int i = 0; i < oh; i++) poolRowChannelsLast(in, dst, sw, s, p, i, 1, h, w, oh, ow, buffers, best, index, keys);
    }

    /**
     * {@link #poolPlaneKeys} for 2x2 windows of stride 2 without padding (VGG's pools): the four candidates of a window
     * are ranked in registers, as {@link #pool2x2} ranks them.
     */
    private static void poolPlane2x2(float[] v, float[] best, long[] index, int w, int oh, int ow) {
        for (int i = 0; i < oh; i++) {
            int top = 2 * i * w, o = i * ow;
            for (int j = 0; j < ow; j++, o++) {
                int a = top + 2 * j, b = a + w;
                int k = winner2x2(v[a], v[a + 1], v[b], v[b + 1]), at = (k < 2 ? a : b) + (k & 1);
                best[o] = v[at];
                index[o] = at;
            }
        }
    }

    /**
     * One plane v [h, w] of a row-major max-pool, without NaN, whose windows hold at most 16 places (AlexNet's 3x3
     * stride 2, among others): each window's winner is the running maximum of its candidates' {@link #poolKey}s, the first maximum in
     * row-major order as in {@link #poolRowKeys}; a window wholly in the padding gets -inf and switch 0, as there.
     * best and index receive the [oh, ow] values and switches.
     */
    private static void poolPlaneKeys(float[] v, float[] best, long[] index, Window s, int h, int w, int oh, int ow) {
        int kH = s.kH(), kW = s.kW();
        for (int i = 0; i < oh; i++) {
            int top = i * s.sH() - s.pH();
            for (int j = 0; j < ow; j++) {
                int left = j * s.sW() - s.pW();
                long key = NO_KEY;
                for (int ky = 0; ky < kH; ky++) {
                    int row = top + ky * s.dH();
                    if (row < 0 || row >= h) continue;
                    for (int kx = 0; kx < kW; kx++) {
                        int col = left + kx * s.dW();
                        if (col >= 0 && col < w) key = maxKey(key, poolKey(Float.floatToRawIntBits(v[row * w + col]), 15 - (ky * kW + kx)));
                    }
                }
                int o = i * ow + j;
                if (key == NO_KEY) {
                    best[o] = Float.NEGATIVE_INFINITY;
                    index[o] = 0;
                    continue;
                }
                int k = 15 - (int) (key & 15), ky = k / kW, at = (top + ky * s.dH()) * w + left + (k - ky * kW) * s.dW();
                best[o] = v[at];
                index[o] = at;
            }
        }
    }

    /**
     * The winner of a 2x2 window without NaN, by {@link #poolKey}: 0 top-left, 1 top-right, 2 bottom-left,
     * 3 bottom-right, the first maximum in row-major order.
     */
    static int winner2x2(float topLeft, float topRight, float bottomLeft, float bottomRight) {
        long m = maxKey(maxKey(poolKey(Float.floatToRawIntBits(topLeft), 15), poolKey(Float.floatToRawIntBits(topRight), 14)),
                maxKey(poolKey(Float.floatToRawIntBits(bottomLeft), 13), poolKey(Float.floatToRawIntBits(bottomRight), 12)));
        return 15 - (int) (m & 15);
    }

    /** Below every key: the running maximum's start, far enough from Long.MIN_VALUE that maxKey's difference cannot overflow. */
    private static final long NO_KEY = Long.MIN_VALUE / 2;

    /** max(a, b) of two keys without a branch: a window's winner is a coin toss per element, so a branch mispredicts. */
    static long maxKey(long a, long b) {
        long d = a - b;
        return a - (d & (d >> 63));
    }

    /**
     * One output row of a channels-last max-pool: for every channel at once, the first maximum of each window in
     * row-major order (PyTorch's rule: replace when strictly greater or NaN). The window's input rows are read once,
     * in bulk, and the output row and its switches written once: per-position buffer calls cost more than the compares.
     * VGG's 2x2 windows are chosen without branches ({@link #pool2x2}), unless the rows hold a NaN; every other window
     * by compare-and-replace ({@link #poolRowExact}). buffers (kH rows of w*c), best and index are the caller's scratch.
     */
    private static void poolRowChannelsLast(FloatBuffer in, FloatBuffer dst, LongBuffer sw, Window s, int n, int i,
                                            int c, int h, int w, int oh, int ow, float[][] buffers, float[] best, long[] index,
                                            long[] keys) {
        float[][] rows = new float[s.kH()][];   // the window's input rows, null where a row lies in the padding
        int[] rowOf = new int[s.kH()];
        for (int ky = 0; ky < s.kH(); ky++) {
            int row = i * s.sH() - s.pH() + ky * s.dH();
            rowOf[ky] = row;
            if (row < 0 || row >= h) continue;
            rows[ky] = buffers[ky];
            in.get((n * h + row) * w * c, rows[ky], 0, w * c);
        }
        boolean square2 = s.kH() == 2 && s.kW() == 2 && s.dW() == 1 && s.pW() == 0 && rows[0] != null && rows[1] != null;
        // the keyed loops rank at most 16 places and need rows without NaN; others take the exact loop
        boolean keyed = square2 || s.kH() * s.kW() <= 16;
        for (float[] r : rows) keyed &= r == null || !hasNaN(r);
        if (keyed && square2) {
            pool2x2(rows[0], rows[1], best, index, (long) rowOf[0] * w, rowOf[1] - rowOf[0], s.sW(), c, w, ow);
        } else if (keyed) {
            poolRowKeys(rows, rowOf, best, index, keys, s, c, w, ow);
        } else {
            poolRowExact(rows, rowOf, best, index, s, c, w, ow);
        }
        int outBase = (n * oh + i) * ow * c;
        dst.put(outBase, best, 0, ow * c);
        sw.put(outBase, index, 0, ow * c);
    }

    /**
     * {@link #poolRowChannelsLast} for the most common window, 2x2 without padding (VGG's pools): the four candidates
     * of a channel are compared in registers. top and bottom are the window's two input rows, first the switch of the
     * row's top-left input, rowStep the number of input rows from top to bottom (the dilation). Without padding, floor
     * mode keeps every window inside the input.
     */
    private static void pool2x2(float[] top, float[] bottom, float[] best, long[] index, long first, int rowStep,
                                int stride, int c, int w, int ow) {
        for (int j = 0; j < ow; j++) {
            int left = j * stride, o = j * c, a = left * c, b = a + c;
            for (int ch = 0; ch < c; ch++) {
                int k = winner2x2(top[a + ch], top[b + ch], bottom[a + ch], bottom[b + ch]), dy = k >> 1, dx = k & 1;
                best[o + ch] = (dy == 0 ? top : bottom)[a + dx * c + ch];
                index[o + ch] = first + left + dx + (long) dy * rowStep * w;
            }
        }
    }

    /**
     * {@link #poolRowExact} for windows of at most 16 places and rows without NaN (AlexNet's 3x3 stride 2): every
     * candidate becomes a {@link #poolKey} with tie 15 - its place, and a window's winner is the running maximum of the
     * keys, with no branch per element; which candidate wins is a coin toss that a branch mispredicts.
     */
    private static void poolRowKeys(float[][] rows, int[] rowOf, float[] best, long[] index, long[] keys, Window s,
                                    int c, int w, int ow) {
        int kW = s.kW();
        for (int j = 0; j < ow; j++) {
            int o = j * c, left = j * s.sW() - s.pW();
            java.util.Arrays.fill(keys, NO_KEY);
            for (int ky = 0; ky < s.kH(); ky++) {
                float[] r = rows[ky];
                if (r == null) continue;
                for (int kx = 0; kx < kW; kx++) {
                    int col = left + kx * s.dW();
                    if (col < 0 || col >= w) continue;
                    int at = col * c, tie = 15 - (ky * kW + kx);
                    for (int ch = 0; ch < c; ch++) keys[ch] = maxKey(keys[ch], poolKey(Float.floatToRawIntBits(r[at + ch]), tie));
                }
            }
            for (int ch = 0; ch < c; ch++) {
                if (keys[ch] == NO_KEY) {   // a window wholly in the padding, as the exact loop leaves it
                    best[o + ch] = Float.NEGATIVE_INFINITY;
                    index[o + ch] = 0;
                    continue;
                }
                int k = 15 - (int) (keys[ch] & 15), ky = k / kW, col = left + (k - ky * kW) * s.dW();
                best[o + ch] = rows[ky][col * c + ch];
                index[o + ch] = (long) rowOf[ky] * w + col;
            }
        }
    }

    /** Whether v holds a NaN (counted without a branch per element). */
    private static boolean hasNaN(float[] v) {
        int count = 0;
        for (float x : v) count += (0x7f800000 - (Float.floatToRawIntBits(x) & 0x7fffffff)) >>> 31;   // NaN: above +inf
        return count != 0;
    }

    /** {@link #poolRowChannelsLast}'s choice by compare-and-replace, exact for NaN too (the last NaN wins). */
    private static void poolRowExact(float[][] rows, int[] rowOf, float[] best, long[] index, Window s, int c, int w, int ow) {
        for (int j = 0; j < ow; j++) {
            int o = j * c;
            boolean first = true;
            for (int ky = 0; ky < s.kH(); ky++) {
                float[] r = rows[ky];
                if (r == null) continue;
                for (int kx = 0; kx < s.kW(); kx++) {
                    int col = j * s.sW() - s.pW() + kx * s.dW();
                    if (col < 0 || col >= w) continue;
                    int plane = rowOf[ky] * w + col, at = col * c;
                    if (first) {
                        // the first candidate is taken as is: what "greater than -inf, or NaN" keeps
                        System.arraycopy(r, at, best, o, c);
                        java.util.Arrays.fill(index, o, o + c, plane);
                        first = false;
                        continue;
                    }
                    for (int ch = 0; ch < c; ch++) {
                        float v = r[at + ch];
                        if (v > best[o + ch] || v != v) {
                            best[o + ch] = v;
                            index[o + ch] = plane;
                        }
                    }
                }
            }
            if (first) {
                java.util.Arrays.fill(best, o, o + c, Float.NEGATIVE_INFINITY);
                java.util.Arrays.fill(index, o, o + c, 0);
            }
        }
    }

    @Override
    public INDArray maxUnpoolAdd(INDArray gradOut, INDArray switches, long[] inputShape, PoolSpec spec) {
        boolean nhwc = Layout.isChannelsLast(switches);
        if (gradOut.dataType() != DataType.FLOAT || !(nhwc || Layout.isRowMajor(switches)))
            return super.maxUnpoolAdd(gradOut, switches, inputShape, spec);
        return unpool(gradOut, switches, null, inputShape, spec);
    }

    /** The ReLU rule is applied to each output row's gradients as the row kernel reads them: no array in between. */
    @Override
    public INDArray maxUnpoolReluBackward(INDArray gradOut, INDArray pooled, INDArray switches, long[] inputShape,
                                          PoolSpec spec, boolean clampGradient, boolean maskByInput) {
        boolean rowKernel = gradOut.dataType() == DataType.FLOAT && spec.windowsDisjoint() && pooled.dataType() == DataType.FLOAT
                && ((Layout.isChannelsLast(switches) && Layout.isChannelsLast(pooled))
                    || (Layout.isRowMajor(switches) && Layout.isRowMajor(pooled)));
        if (!rowKernel)
            return super.maxUnpoolReluBackward(gradOut, pooled, switches, inputShape, spec, clampGradient, maskByInput);
        return unpool(gradOut, switches, new ReluAtWinners(pooled.data().asNioFloat(), clampGradient, maskByInput), inputShape, spec);
    }

    /**
     * {@link #maxUnpoolAdd} of a float gradient (switches channels-last or row-major); with a ReLU rule (disjoint windows
     * only, pooled values laid out like the switches) applied on the way.
     */
    private INDArray unpool(INDArray gradOut, INDArray switches, ReluAtWinners relu, long[] inputShape, PoolSpec spec) {
        boolean nhwc = Layout.isChannelsLast(switches);
        int n = (int) inputShape[0], c = (int) inputShape[1], h = (int) inputShape[2], w = (int) inputShape[3];
        int spanH = spec.spanH();
        boolean disjoint = spec.windowsDisjoint();
        // a row-major gradient (a convolution's input gradient) is read as it is by the row kernel below, not copied
        boolean gradRowMajor = nhwc && disjoint && Layout.isRowMajor(gradOut);
        INDArray g = gradRowMajor ? gradOut : Layout.toLayoutOf(switches, gradOut);
        int oh = (int) g.size(2), ow = (int) g.size(3);
        // Disjoint windows that tile the input (2x2 stride 2 on an even size) write every input row whole below.
        boolean tiled = disjoint && spec.padH() == 0 && spec.strideH() == spanH && (long) oh * spanH == h;
        INDArray grad = tiled ? (nhwc ? Layout.channelsLast(DataType.FLOAT, n, c, h, w) : Nd4j.createUninitialized(DataType.FLOAT, inputShape))
                : nhwc ? Layout.channelsLastZeros(DataType.FLOAT, n, c, h, w) : Nd4j.zeros(DataType.FLOAT, inputShape);
        FloatBuffer src = g.data().asNioFloat(), dst = grad.data().asNioFloat();
        LongBuffer sw = switches.data().asNioLong();
        if (disjoint) {
            // Windows that do not overlap (2x2 stride 2): each output row owns its input rows, so threads take whole
            // rows and move them in bulk, which costs far less than a buffer call per element. A plane of a row-major
            // array is a one-channel channels-last image.
            int images = nhwc ? n : n * c, channels = nhwc ? c : 1;
            Parallel.forRanges((long) images * oh, (t0, t1) -> {
                UnpoolScratch scratch = new UnpoolScratch(ow, channels, spanH * w * channels);
                for (int task = (int) t0; task < t1; task++)
                    unpoolRowChannelsLast(src, gradRowMajor, relu, dst, sw, task / oh, task % oh, channels, h, w, oh, ow,
                            spec.strideH() * (task % oh) - spec.padH(), spanH, scratch);
            });
        } else if (nhwc) {
            // Overlapping windows may send two rows' gradients to one input, so threads split by channel instead.
            Parallel.forRanges(c, (c0, c1) -> {
                int from = (int) c0, to = (int) c1, outputs = oh * ow;
                for (int b = 0; b < n; b++)
                    for (int o = 0; o < outputs; o++) {
                        int outBase = (b * outputs + o) * c;
                        for (int ch = from; ch < to; ch++) {
                            int target = (int) ((b * (long) h * w + sw.get(outBase + ch)) * c + ch);
                            dst.put(target, dst.get(target) + src.get(outBase + ch));
                        }
                    }
            });
        } else {
            Parallel.forEach(n * c, p -> {
                int base = p * h * w, outBase = p * oh * ow;
                for (int o = 0; o < oh * ow; o++) {
                    int target = base + (int) sw.get(outBase + o);
                    dst.put(target, dst.get(target) + src.get(outBase + o));
                }
            });
        }
        if (g != gradOut) Arrays.release(g);
        return grad;
    }

    /**
     * One thread's buffers for {@link #unpoolRowChannelsLast}: an output row's gradients, switches and pooled values,
     * its input rows.
     */
    private record UnpoolScratch(float[] gradients, long[] switches, float[] pooled, float[] channelRow, float[] rows) {
        UnpoolScratch(int width, int channels, int inputs) {
            this(new float[width * channels], new long[width * channels], new float[width * channels], new float[width],
                    new float[inputs]);
        }
    }

    /** A ReLU backward rule taken at a max-pool's output values, the winners of the windows, laid out like its switches. */
    private record ReluAtWinners(FloatBuffer pooled, boolean clampGradient, boolean maskByInput) {

        /** Applies the rule to one output row's gradients g (channels-last, from outBase) in place. */
        void apply(int outBase, float[] g, float[] values) {
            pooled.get(outBase, values, 0, g.length);
            for (int k = 0; k < g.length; k++) g[k] = reluRule(values[k], g[k], clampGradient, maskByInput);
        }
    }

    /**
     * Unpooling of one output row of a channels-last max-pool whose windows do not overlap: its gradients go to their
     * switches in the input rows top .. top + span - 1, which no other output row touches; those rows are gathered in
     * one array (a switch's offset from the first row's start is its place there, no division) and written whole.
     * The gradient src is channels-last like the switches, or row-major NCHW when srcRowMajor; relu, when not null, is
     * applied to the row's gradients before they move.
     */
    private static void unpoolRowChannelsLast(FloatBuffer src, boolean srcRowMajor, ReluAtWinners relu, FloatBuffer dst,
                                              LongBuffer sw, int b, int i, int c, int h, int w, int oh, int ow, int top,
                                              int span, UnpoolScratch scratch) {
        int outBase = (b * oh + i) * ow * c;
        float[] g = scratch.gradients();
        long[] switches = scratch.switches();
        if (srcRowMajor) {
            float[] row = scratch.channelRow();
            for (int ch = 0; ch < c; ch++) {
                src.get(((b * c + ch) * oh + i) * ow, row, 0, ow);
                for (int j = 0; j < ow; j++) g[j * c + ch] = row[j];
            }
        } else {
            src.get(outBase, g, 0, g.length);
        }
        if (relu != null) relu.apply(outBase, g, scratch.pooled());
        sw.get(outBase, switches, 0, switches.length);
        float[] rows = scratch.rows();
        java.util.Arrays.fill(rows, 0f);
        long first = (long) top * w;
        for (int j = 0, k = 0; j < ow; j++)
            for (int ch = 0; ch < c; ch++, k++) rows[(int) (switches[k] - first) * c + ch] += g[k];
        int from = Math.max(0, -top), to = Math.min(span, h - top);
        if (to > from) dst.put((b * h + top + from) * w * c, rows, from * w * c, (to - from) * w * c);
    }
}
