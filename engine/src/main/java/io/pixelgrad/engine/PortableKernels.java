package io.pixelgrad.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.nd4j.linalg.ops.transforms.Transforms.pow;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Kernels made only of ND4J operations (custom ops, gemm, broadcasting elementwise ops), so they run unchanged on any
 * ND4J backend, CUDA included. {@link CpuKernels} overrides the ones that a CPU runs faster another way.
 */
class PortableKernels implements Kernels {

    /** Per (pool geometry, input size): plane index of each window element of each output, -1 for padding. */
    private final ConcurrentHashMap<String, INDArray> poolTables = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "portable";
    }

    // ---------------------------------------------------------------- convolution

    @Override
    public INDArray conv2d(INDArray x, INDArray weight, INDArray bias, ConvSpec spec) {
        checkConv(x, weight, bias, spec);
        int groups = spec.groups();
        if (groups == 1) return conv2dOneGroup(x, weight, bias, spec);
        long inPerGroup = x.size(1) / groups, outPerGroup = weight.size(0) / groups;
        INDArray out = null;
        for (int g = 0; g < groups; g++) {
            INDArray xg = channels(x, g * inPerGroup, inPerGroup).dup('c');
            INDArray wg = weight.get(NDArrayIndex.interval(g * outPerGroup, (g + 1) * outPerGroup)).dup('c');
            INDArray bg = bias == null ? null : bias.get(NDArrayIndex.interval(g * outPerGroup, (g + 1) * outPerGroup)).dup();
            INDArray yg = conv2dOneGroup(xg, wg, bg, spec);
            if (out == null) out = Nd4j.createUninitialized(x.dataType(), x.size(0), weight.size(0), yg.size(2), yg.size(3));
            channels(out, g * outPerGroup, outPerGroup).assign(yg);
            Arrays.release(xg, wg, bg, yg);
        }
        return out;
    }

    /** One ND4J conv2d call; weights in PyTorch's OIYX layout (wFormat 1). */
    protected INDArray conv2dOneGroup(INDArray x, INDArray weight, INDArray bias, ConvSpec spec) {
        if (dilated(spec)) return im2colConv2d(x, weight, bias, spec);
        long kH = weight.size(2), kW = weight.size(3);
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.size(0), weight.size(0),
                spec.outH(x.size(2), kH), spec.outW(x.size(3), kW));
        INDArray[] inputs = bias == null ? new INDArray[]{x, weight} : new INDArray[]{x, weight, bias};
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(inputs).addOutputs(out).addIntegerArguments(convArgs(kH, kW, spec)).build());
        return out;
    }

    @Override
    public ConvGradients conv2dBackward(INDArray x, INDArray weight, boolean hasBias, INDArray gradOut, ConvSpec spec,
                                        boolean wantInput, boolean wantWeights) {
        int groups = spec.groups();
        if (groups == 1 && wantInput && !wantWeights && !dilated(spec)) {
            INDArray onSupport = inputGradientOnSupport(x, weight, gradOut, spec);
            if (onSupport != null) return new ConvGradients(onSupport, null, null);
        }
        if (groups == 1) return conv2dBackwardOneGroup(x, weight, hasBias, gradOut, spec, wantInput, wantWeights);
        long inPerGroup = x.size(1) / groups, outPerGroup = weight.size(0) / groups;
        INDArray gIn = wantInput ? Nd4j.createUninitialized(x.dataType(), x.shape()) : null;
        INDArray gW = wantWeights ? Nd4j.createUninitialized(weight.dataType(), weight.shape()) : null;
        INDArray gB = wantWeights && hasBias ? Nd4j.createUninitialized(weight.dataType(), weight.size(0)) : null;
        for (int g = 0; g < groups; g++) {
            INDArray xg = channels(x, g * inPerGroup, inPerGroup).dup('c');
            INDArray wg = weight.get(NDArrayIndex.interval(g * outPerGroup, (g + 1) * outPerGroup)).dup('c');
            INDArray gog = channels(gradOut, g * outPerGroup, outPerGroup).dup('c');
            ConvGradients part = conv2dBackwardOneGroup(xg, wg, hasBias, gog, spec, wantInput, wantWeights);
            if (gIn != null) channels(gIn, g * inPerGroup, inPerGroup).assign(part.input());
            if (gW != null) gW.get(NDArrayIndex.interval(g * outPerGroup, (g + 1) * outPerGroup)).assign(part.weight());
            if (gB != null) gB.get(NDArrayIndex.interval(g * outPerGroup, (g + 1) * outPerGroup)).assign(part.bias());
            Arrays.release(xg, wg, gog, part.input(), part.weight(), part.bias());
        }
        return new ConvGradients(gIn, gW, gB);
    }

    /**
     * Largest share of the output positions a gradient's nonzero box may cover for {@link #inputGradientOnSupport} to
     * run: above it, cutting out the box and placing the result cost about what the skipped positions save.
     */
    private static final double SUPPORT_SHARE = 0.7;

    /**
     * The input gradient of a convolution whose output gradient is zero outside a box of positions (the projection of
     * one unit, a neuron objective: the gradient of one activation reaches only its receptive field), computed on that
     * box alone; null when the box covers most of the output, which the plain path then computes. The box's transposed
     * convolution without padding covers exactly the input rows and columns the box reaches; the part inside the
     * input is placed into zeros. The terms left out are products with zeros, so the sums are the same.
     */
    private INDArray inputGradientOnSupport(INDArray x, INDArray weight, INDArray gradOut, ConvSpec spec) {
        long oh = gradOut.size(2), ow = gradOut.size(3);
        if (oh * ow < 16) return null;
        int[] box = nonzeroBox(gradOut);
        if (box == null) return Layout.zerosLike(x);
        int y0 = box[0], y1 = box[1], x0 = box[2], x1 = box[3];
        if ((double) (y1 - y0) * (x1 - x0) > SUPPORT_SHARE * oh * ow) return null;
        long n = x.size(0), c = x.size(1), k = gradOut.size(1), kH = weight.size(2), kW = weight.size(3);
        boolean channelsLast = Layout.isChannelsLast(gradOut);
        INDArray g = channelsLast ? Layout.channelsLast(gradOut.dataType(), n, k, y1 - y0, x1 - x0)
                : Nd4j.createUninitialized(gradOut.dataType(), n, k, y1 - y0, x1 - x0);
        g.assign(gradOut.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(y0, y1), NDArrayIndex.interval(x0, x1)));
        // the input rows and columns the box reaches, without padding: row r of this window is input row r + top
        long rows = (y1 - y0 - 1L) * spec.strideH() + kH, cols = (x1 - x0 - 1L) * spec.strideW() + kW;
        long top = (long) y0 * spec.strideH() - spec.padH(), left = (long) x0 * spec.strideW() - spec.padW();
        INDArray window = Layout.isChannelsLast(x) ? Layout.channelsLast(x.dataType(), n, c, rows, cols)
                : Nd4j.createUninitialized(x.dataType(), n, c, rows, cols);
        ConvSpec unpadded = new ConvSpec(spec.strideH(), spec.strideW(), 0, 0, 1, 1, 1);
        INDArray reached = conv2dBackwardOneGroup(window, weight, false, g, unpadded, true, false).input();
        INDArray grad = Layout.zerosLike(x);
        long rFrom = Math.max(0, -top), rTo = Math.min(rows, x.size(2) - top);
        long cFrom = Math.max(0, -left), cTo = Math.min(cols, x.size(3) - left);
        if (rFrom < rTo && cFrom < cTo)
            grad.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(top + rFrom, top + rTo),
                            NDArrayIndex.interval(left + cFrom, left + cTo))
                    .assign(reached.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(rFrom, rTo),
                            NDArrayIndex.interval(cFrom, cTo)));
        Arrays.release(g, window, reached);
        return grad;
    }

    /**
     * The smallest box {top, bottom, left, right} (ends exclusive) of positions outside which every sample and channel
     * of a [N,C,H,W] array is zero (NaN counts as nonzero); null when the array is all zeros.
     */
    protected int[] nonzeroBox(INDArray a) {
        INDArray nonzero = a.neq(0.0).castTo(DataType.FLOAT);
        INDArray map = nonzero.max(0, 1);                                   // [H, W]: 1 where any sample or channel is
        float[] m = map.dup('c').data().asFloat();
        Arrays.release(nonzero, map);
        int h = (int) a.size(2), w = (int) a.size(3);
        int top = h, bottom = -1, left = w, right = -1;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (m[y * w + x] != 0) {
                    top = Math.min(top, y);
                    bottom = y;
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
        return bottom < 0 ? null : new int[]{top, bottom + 1, left, right + 1};
    }

    /** ND4J's conv2d_bp: computes all three gradients in one call; unwanted ones are dropped. */
    protected ConvGradients conv2dBackwardOneGroup(INDArray x, INDArray weight, boolean hasBias, INDArray gradOut,
                                                   ConvSpec spec, boolean wantInput, boolean wantWeights) {
        if (dilated(spec)) return im2colConv2dBackward(x, weight, hasBias, gradOut, spec, wantInput, wantWeights);
        long kH = weight.size(2), kW = weight.size(3);
        INDArray gIn = Nd4j.createUninitialized(x.dataType(), x.shape());
        INDArray gW = Nd4j.createUninitialized(weight.dataType(), weight.shape());
        INDArray gB = hasBias ? Nd4j.createUninitialized(weight.dataType(), weight.size(0)) : null;
        INDArray zeroBias = hasBias ? Nd4j.zeros(weight.dataType(), weight.size(0)) : null;
        INDArray[] inputs = hasBias ? new INDArray[]{x, weight, zeroBias, gradOut} : new INDArray[]{x, weight, gradOut};
        INDArray[] outputs = hasBias ? new INDArray[]{gIn, gW, gB} : new INDArray[]{gIn, gW};
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(inputs).addOutputs(outputs)
                .addIntegerArguments(convArgs(kH, kW, spec)).build());
        Arrays.release(zeroBias);
        if (!wantInput) {
            Arrays.release(gIn);
            gIn = null;
        }
        if (!wantWeights) {
            Arrays.release(gW, gB);
            gW = null;
            gB = null;
        }
        return new ConvGradients(gIn, gW, gB);
    }

    /**
     * ND4J 1.0.0-M2.1 hands dilation to oneDNN in a form oneDNN rejects, so dilated convolutions go through
     * {@link #im2colConv2d} instead.
     */
    protected static boolean dilated(ConvSpec spec) {
        return spec.dilationH() > 1 || spec.dilationW() > 1;
    }

    /** Convolution as im2col then one matrix product: W [O, C*kH*kW] times the columns [C*kH*kW, N*oH*oW]. */
    protected INDArray im2colConv2d(INDArray x, INDArray weight, INDArray bias, ConvSpec spec) {
        long n = x.size(0), o = weight.size(0), oh = spec.outH(x.size(2), weight.size(2)), ow = spec.outW(x.size(3), weight.size(3));
        INDArray columns = columnsOf(x, weight, spec);
        INDArray product = gemm(weight.reshape('c', o, -1), columns, false, false);              // [O, N*oH*oW]
        INDArray y = product.reshape('c', o, n, oh, ow).permute(1, 0, 2, 3).dup('c');
        if (bias != null) y.addi(bias.reshape(1, o, 1, 1).broadcast(y.shape()));
        Arrays.release(columns, product);
        return y;
    }

    /** Gradients of {@link #im2colConv2d}: columns back through col2im for the input, one product for the weights. */
    protected ConvGradients im2colConv2dBackward(INDArray x, INDArray weight, boolean hasBias, INDArray gradOut, ConvSpec spec,
                                                 boolean wantInput, boolean wantWeights) {
        long n = x.size(0), c = x.size(1), o = weight.size(0), kH = weight.size(2), kW = weight.size(3);
        long oh = gradOut.size(2), ow = gradOut.size(3);
        INDArray g = gradOut.permute(1, 0, 2, 3).dup('c').reshape('c', o, n * oh * ow);
        INDArray gIn = null, gW = null, gB = null;
        if (wantInput) {
            INDArray columns = gemm(weight.reshape('c', o, -1), g, true, false);                 // [C*kH*kW, N*oH*oW]
            INDArray windows = columns.reshape('c', c, kH, kW, n, oh, ow).permute(3, 0, 1, 2, 4, 5).dup('c');
            gIn = col2im(windows, Window.of(kH, kW, spec), x.shape());
            Arrays.release(columns, windows);
        }
        if (wantWeights) {
            INDArray columns = columnsOf(x, weight, spec);
            INDArray product = gemm(g, columns, false, true);
            gW = Arrays.reshapeCopy(product, weight.shape());
            if (hasBias) gB = Arrays.sum(g, 1);
            Arrays.release(product);
            Arrays.release(columns);
        }
        Arrays.release(g);
        return new ConvGradients(gIn, gW, gB);
    }

    /** The im2col matrix [C*kH*kW, N*oH*oW] of x for the kernel size of weight. */
    private static INDArray columnsOf(INDArray x, INDArray weight, ConvSpec spec) {
        long n = x.size(0);
        INDArray cols = im2col(x, Window.of(weight.size(2), weight.size(3), spec));
        INDArray columns = cols.permute(1, 2, 3, 0, 4, 5).dup('c').reshape('c', cols.size(1) * cols.size(2) * cols.size(3),
                n * cols.size(4) * cols.size(5));
        Arrays.release(cols);
        return columns;
    }

    /** Sliding-window geometry as im2col and col2im take it (padding unrestricted, unlike pooling's). */
    protected record Window(int kH, int kW, int sH, int sW, int pH, int pW, int dH, int dW) {
        /** The window of a pooling. */
        static Window of(PoolSpec s) {
            return new Window(s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW());
        }

        /** The window of a convolution with a kH x kW kernel. */
        static Window of(long kH, long kW, ConvSpec s) {
            return new Window((int) kH, (int) kW, s.strideH(), s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW());
        }

        Window unpadded() {
            return new Window(kH, kW, sH, sW, 0, 0, dH, dW);
        }
    }

    /** ND4J conv integer arguments: kH,kW,sH,sW,pH,pW,dH,dW,same=0,NCHW=0,wFormat=1 (OIYX). */
    protected static int[] convArgs(long kH, long kW, ConvSpec s) {
        return new int[]{(int) kH, (int) kW, s.strideH(), s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW(), 0, 0, 1};
    }

    private static void checkConv(INDArray x, INDArray weight, INDArray bias, ConvSpec spec) {
        if (x.rank() != 4 || weight.rank() != 4)
            throw new IllegalArgumentException("conv2d needs a 4-D input and 4-D weights, got " + Arrays.shapeText(x.shape())
                    + " and " + Arrays.shapeText(weight.shape()));
        if (x.size(1) != weight.size(1) * spec.groups() || weight.size(0) % spec.groups() != 0)
            throw new IllegalArgumentException("conv2d: input " + Arrays.shapeText(x.shape()) + " does not fit weights "
                    + Arrays.shapeText(weight.shape()) + " with " + spec.groups() + " group(s)");
        if (bias != null && bias.length() != weight.size(0))
            throw new IllegalArgumentException("conv2d: bias of length " + bias.length() + " for " + weight.size(0) + " outputs");
        if (spec.outH(x.size(2), weight.size(2)) < 1 || spec.outW(x.size(3), weight.size(3)) < 1)
            throw new IllegalArgumentException("conv2d: input " + Arrays.shapeText(x.shape()) + " is smaller than the kernel");
    }

    /** View of channels [from, from+count) of an NCHW array. */
    protected static INDArray channels(INDArray a, long from, long count) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval(from, from + count), NDArrayIndex.all(), NDArrayIndex.all());
    }

    // ---------------------------------------------------------------- ReLU

    @Override
    public INDArray relu(INDArray x) {
        return org.nd4j.linalg.ops.transforms.Transforms.relu(x, true);
    }

    @Override
    public INDArray reluBackward(INDArray x, INDArray g, boolean clampGradient, boolean maskByInput) {
        INDArray out = clampGradient ? org.nd4j.linalg.ops.transforms.Transforms.relu(g, true) : g.dup();
        if (maskByInput) {
            // PyTorch's threshold_backward: zero where x <= 0 (a NaN input lets the gradient through).
            INDArray blocked = x.lte(0);
            INDArray keep = blocked.castTo(out.dataType()).rsubi(1);
            out.muli(keep);
            Arrays.release(blocked, keep);
        }
        return out;
    }

    // ---------------------------------------------------------------- max pooling

    @Override
    public MaxPoolResult maxPool2d(INDArray x, PoolSpec spec) {
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        long oh = spec.outH(h), ow = spec.outW(w);
        checkPool(x, spec, oh, ow);
        int k = spec.kernelH() * spec.kernelW();
        // Padding counts as -inf, so it never wins.
        INDArray padded = padConstant(x, spec.padH(), spec.padW(), Double.NEGATIVE_INFINITY);
        INDArray cols = im2col(padded, Window.of(spec).unpadded());                       // [N,C,kH,kW,oH,oW]
        INDArray windows = cols.reshape('c', n, c, k, oh, ow);
        INDArray winner = Nd4j.argMax(windows, 2);                        // first maximum wins on ties
        INDArray output = Nd4j.createUninitialized(x.dataType(), n, c, oh, ow);
        Nd4j.exec(new org.nd4j.linalg.api.ops.impl.reduce.same.Max(windows, output, false, new int[]{2}));
        INDArray table = poolTable(spec, h, w);                           // [k*oH*oW]
        INDArray position = Nd4j.arange(0, oh * ow).castTo(DataType.INT64).reshape(1, 1, oh, ow);
        INDArray flat = winner.mul(oh * ow).addi(position.broadcast(n, c, oh, ow));
        INDArray switches = Nd4j.createUninitialized(DataType.INT64, n, c, oh, ow);
        Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(table, flat.reshape(flat.length()))
                .addOutputs(switches.reshape(switches.length())).addIntegerArguments(0).build());
        if (padded != x) Arrays.release(padded);
        Arrays.release(cols, winner, position, flat);
        return new MaxPoolResult(output, switches);
    }

    @Override
    public INDArray maxUnpoolAdd(INDArray gradOut, INDArray switches, long[] inputShape, PoolSpec spec) {
        long n = gradOut.size(0), c = gradOut.size(1), oh = gradOut.size(2), ow = gradOut.size(3);
        int k = spec.kernelH() * spec.kernelW();
        INDArray table = poolTable(spec, inputShape[2], inputShape[3]).reshape(1, 1, k, oh, ow);
        // One-hot over each window: the element whose plane index is the switch takes the whole gradient.
        INDArray hit = switches.reshape(n, c, 1, oh, ow).broadcast(n, c, k, oh, ow).eq(table.broadcast(n, c, k, oh, ow));
        INDArray cols = hit.castTo(gradOut.dataType()).muli(gradOut.reshape(n, c, 1, oh, ow).broadcast(n, c, k, oh, ow));
        INDArray result = col2im(cols.reshape('c', n, c, spec.kernelH(), spec.kernelW(), oh, ow), Window.of(spec), inputShape);
        Arrays.release(hit, cols);
        return result;
    }

    private static void checkPool(INDArray x, PoolSpec spec, long oh, long ow) {
        if (x.rank() != 4) throw new IllegalArgumentException("pooling needs a 4-D input, got " + Arrays.shapeText(x.shape()));
        if (oh < 1 || ow < 1)
            throw new IllegalArgumentException("pooling: input " + Arrays.shapeText(x.shape()) + " is smaller than the "
                    + spec.kernelH() + "x" + spec.kernelW() + " window");
    }

    /** Plane index (row*W+col) of window element e of output (i,j), laid out [e][i][j]; -1 where it is padding. */
    protected INDArray poolTable(PoolSpec s, long h, long w) {
        String key = s + "@" + h + "x" + w;
        // made outside any step's memory block: the table outlives the step that first asks for it
        return poolTables.computeIfAbsent(key, unused -> StepMemory.outside(() -> {
            long oh = s.outH(h), ow = s.outW(w);
            long[] table = new long[(int) (s.kernelH() * s.kernelW() * oh * ow)];
            int t = 0;
            for (int ky = 0; ky < s.kernelH(); ky++)
                for (int kx = 0; kx < s.kernelW(); kx++)
                    for (long i = 0; i < oh; i++)
                        for (long j = 0; j < ow; j++) {
                            long row = i * s.strideH() - s.padH() + (long) ky * s.dilationH();
                            long col = j * s.strideW() - s.padW() + (long) kx * s.dilationW();
                            table[t++] = row < 0 || row >= h || col < 0 || col >= w ? -1 : row * w + col;
                        }
            INDArray a = Nd4j.createFromArray(table);
            a.setCloseable(false);
            return a;
        }));
    }

    // ---------------------------------------------------------------- average pooling

    @Override
    public INDArray avgPool2d(INDArray x, PoolSpec spec) {
        long n = x.size(0), c = x.size(1), oh = spec.outH(x.size(2)), ow = spec.outW(x.size(3));
        checkPool(x, spec, oh, ow);
        INDArray cols = im2col(x, Window.of(spec));
        INDArray out = Arrays.mean(cols.reshape('c', n, c, (long) spec.kernelH() * spec.kernelW(), oh, ow), 2);
        Arrays.release(cols);
        return out;
    }

    @Override
    public INDArray avgPool2dBackward(INDArray gradOut, long[] inputShape, PoolSpec spec) {
        long n = gradOut.size(0), c = gradOut.size(1), oh = gradOut.size(2), ow = gradOut.size(3);
        int k = spec.kernelH() * spec.kernelW();
        INDArray share = gradOut.div(k).reshape(n, c, 1, 1, oh, ow).broadcast(n, c, spec.kernelH(), spec.kernelW(), oh, ow).dup('c');
        INDArray result = col2im(share, Window.of(spec), inputShape);
        Arrays.release(share);
        return result;
    }

    @Override
    public INDArray adaptiveAvgPool2d(INDArray x, int outH, int outW) {
        long h = x.size(2), w = x.size(3);
        if (h == outH && w == outW) return x.dup('c');
        if (h % outH == 0 && w % outW == 0) {
            int kh = (int) (h / outH), kw = (int) (w / outW);
            return avgPool2d(x, new PoolSpec(kh, kw, kh, kw, 0, 0, 1, 1));
        }
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.size(0), x.size(1), outH, outW);
        for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
                INDArray cell = x.get(NDArrayIndex.all(), NDArrayIndex.all(), adaptiveRange(i, h, outH), adaptiveRange(j, w, outW));
                out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.point(j)).assign(cell.mean(2, 3));
            }
        }
        return out;
    }

    @Override
    public INDArray adaptiveAvgPool2dBackward(INDArray gradOut, long[] inputShape) {
        int outH = (int) gradOut.size(2), outW = (int) gradOut.size(3);
        long h = inputShape[2], w = inputShape[3];
        if (h == outH && w == outW) return gradOut.dup('c');
        if (h % outH == 0 && w % outW == 0) {
            int kh = (int) (h / outH), kw = (int) (w / outW);
            return avgPool2dBackward(gradOut, inputShape, new PoolSpec(kh, kw, kh, kw, 0, 0, 1, 1));
        }
        INDArray grad = Nd4j.zeros(gradOut.dataType(), inputShape);
        for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
                INDArrayIndex rows = adaptiveRange(i, h, outH), cols = adaptiveRange(j, w, outW);
                long count = rows.length() * cols.length();
                INDArray g = gradOut.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(i, i + 1), NDArrayIndex.interval(j, j + 1));
                INDArray region = grad.get(NDArrayIndex.all(), NDArrayIndex.all(), rows, cols);
                region.addi(g.div(count).broadcast(region.shape()));
            }
        }
        return grad;
    }

    /** Rows floor(i*in/out) .. ceil((i+1)*in/out)-1, as PyTorch's adaptive pooling. */
    private static INDArrayIndex adaptiveRange(long i, long in, long out) {
        long start = Math.floorDiv(i * in, out);
        long end = -Math.floorDiv(-(i + 1) * in, out);
        return NDArrayIndex.interval(start, end);
    }

    // ---------------------------------------------------------------- gemm

    @Override
    public INDArray gemm(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        return Nd4j.gemm(a, b, transposeA, transposeB);
    }

    // ---------------------------------------------------------------- per-channel affine map

    @Override
    public INDArray channelAffine(INDArray x, INDArray scale, INDArray shift) {
        long[] s = x.shape();
        INDArray scaleB = scale.reshape(1, s[1], 1, 1).broadcast(s);
        INDArray y = x.mul(scaleB);
        Arrays.release(scaleB);
        if (shift != null) {
            INDArray shiftB = shift.reshape(1, s[1], 1, 1).broadcast(s);
            y.addi(shiftB);
            Arrays.release(shiftB);
        }
        return y;
    }

    // ---------------------------------------------------------------- local response normalization

    @Override
    public INDArray lrn(INDArray x, int size, double alpha, double beta, double k) {
        INDArray base = lrnBase(x, size, alpha, k);
        INDArray denominator = pow(base, beta);
        INDArray y = x.div(denominator);
        Arrays.release(base, denominator);
        return y;
    }

    @Override
    public INDArray lrnBackward(INDArray x, INDArray gradOut, int size, double alpha, double beta, double k) {
        // y_c = x_c D_c^-beta, D_c = k + alpha/n sum_{j in W(c)} x_j^2
        // dx_i = g_i D_i^-beta - (2 alpha beta / n) x_i sum_{c : i in W(c)} g_c x_c D_c^(-beta-1)
        INDArray base = lrnBase(x, size, alpha, k);
        INDArray basePowMinusBetaMinus1 = pow(base, -beta - 1), basePowMinusBeta = pow(base, -beta);
        INDArray scaled = gradOut.mul(x).muli(basePowMinusBetaMinus1);
        int before = size / 2, after = (size - 1) / 2;
        INDArray spread = channelWindowSum(scaled, after, before); // the transposed window
        INDArray result = gradOut.mul(basePowMinusBeta).subi(spread.muli(x).muli(2 * alpha * beta / size));
        Arrays.release(base, basePowMinusBetaMinus1, basePowMinusBeta, scaled, spread);
        return result;
    }

    /** k + alpha/n * (sum of x^2 over channels c-n/2 .. c+(n-1)/2), as PyTorch's LocalResponseNorm. */
    private static INDArray lrnBase(INDArray x, int size, double alpha, double k) {
        INDArray sq = x.mul(x);
        INDArray sum = channelWindowSum(sq, size / 2, (size - 1) / 2);
        Arrays.release(sq);
        return sum.muli(alpha / size).addi(k);
    }

    /** out_c = sum of a_j for j in [c-before, c+after] within range. */
    private static INDArray channelWindowSum(INDArray a, int before, int after) {
        long c = a.size(1);
        INDArray out = Nd4j.zeros(a.dataType(), a.shape());
        for (int d = -before; d <= after; d++) {
            long from = Math.max(0, -d), to = Math.min(c, c - d); // c' = c + d must be in [0, C)
            if (from >= to) continue;
            channels(out, from, to - from).addi(channels(a, from + d, to - from));
        }
        return out;
    }

    // ---------------------------------------------------------------- bilinear resize

    @Override
    public INDArray resizeBilinear(INDArray x, int outH, int outW) {
        return separable(x, Interpolation.bilinear(x.size(2), outH), Interpolation.bilinear(x.size(3), outW), x.dataType(), false);
    }

    @Override
    public INDArray resizeBilinearBackward(INDArray gradOut, int inH, int inW) {
        return separable(gradOut, Interpolation.bilinear(inH, gradOut.size(2)), Interpolation.bilinear(inW, gradOut.size(3)),
                gradOut.dataType(), true);
    }

    /**
     * y = Rh x Rw^T on each plane (or Rh^T g Rw when transposed, which is the gradient of the same resize). Resizing
     * as two small matrix products keeps forward and backward exact transposes of each other.
     */
    protected INDArray separable(INDArray x, double[][] rh, double[][] rw, DataType type, boolean transposed) {
        INDArray mh = Nd4j.createFromArray(rh).castTo(type), mw = Nd4j.createFromArray(rw).castTo(type);
        try {
            return separableLinear(x, mh, mw, transposed);
        } finally {
            Arrays.release(mh, mw);
        }
    }

    @Override
    public INDArray separableLinear(INDArray x, INDArray mh, INDArray mw, boolean transposed) {
        checkSeparable(x, mh, mw, transposed);
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        DataType type = x.dataType();
        long outH = transposed ? mh.size(1) : mh.size(0), outW = transposed ? mw.size(1) : mw.size(0);
        INDArray xc = Arrays.contiguous(x);
        INDArray rows = gemm(xc.reshape('c', n * c * h, w), mw, false, !transposed);              // [N*C*H, outW]
        if (xc != x) Arrays.release(xc);
        INDArray byRow = Nd4j.createUninitialized(type, h, n * c * outW);
        byRow.reshape('c', h, n * c, outW).assign(rows.reshape('c', n * c, h, outW).permute(1, 0, 2));
        INDArray both = gemm(mh, byRow, transposed, false);                                       // [outH, N*C*outW]
        INDArray out = Nd4j.createUninitialized(type, n, c, outH, outW);
        out.reshape('c', n * c, outH, outW).assign(both.reshape('c', outH, n * c, outW).permute(1, 0, 2));
        Arrays.release(rows, byRow, both);
        return out;
    }

    /** Refuses matrices of another data type than x, or of sizes that do not fit its planes. */
    protected static void checkSeparable(INDArray x, INDArray mh, INDArray mw, boolean transposed) {
        DataType type = x.dataType();
        if (mh.dataType() != type || mw.dataType() != type)
            throw new IllegalArgumentException("separableLinear: matrices of " + mh.dataType() + "/" + mw.dataType() + " for " + type + " planes");
        if ((transposed ? mh.size(0) : mh.size(1)) != x.size(2) || (transposed ? mw.size(0) : mw.size(1)) != x.size(3))
            throw new IllegalArgumentException("separableLinear: matrices " + Arrays.shapeText(mh.shape()) + " and "
                    + Arrays.shapeText(mw.shape()) + " do not fit planes " + x.size(2) + "x" + x.size(3));
    }

    // ---------------------------------------------------------------- bilinear sampling (rotation)

    @Override
    public INDArray sampleBilinear(INDArray x, BilinearSampler s) {
        long n = x.size(0), c = x.size(1);
        if (x.size(2) != s.inH() || x.size(3) != s.inW())
            throw new IllegalArgumentException("sampleBilinear: planes " + x.size(2) + "x" + x.size(3) + ", sampler made for "
                    + s.inH() + "x" + s.inW());
        INDArray planes = Arrays.reshapeCopy(x, n * c, (long) s.inH() * s.inW());
        INDArray out = Nd4j.zeros(x.dataType(), n * c, (long) s.outH() * s.outW());
        for (int k = 0; k < 4; k++) {
            INDArray index = s.indexArray(k), weight = s.weightArray(k, x.dataType());
            INDArray picked = Nd4j.createUninitialized(x.dataType(), n * c, (long) s.outH() * s.outW());
            Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(planes, index).addOutputs(picked).addIntegerArguments(1).build());
            out.addi(picked.muliRowVector(weight));
            Arrays.release(picked, weight);
        }
        Arrays.release(planes);
        INDArray result = out.reshape('c', n, c, s.outH(), s.outW()).dup('c');
        Arrays.release(out);
        return result;
    }

    @Override
    public INDArray sampleBilinearBackward(INDArray gradOut, BilinearSampler s) {
        long n = gradOut.size(0), c = gradOut.size(1), p = (long) s.outH() * s.outW();
        DataType type = gradOut.dataType();
        // scatter_add adds rows of its updates into rows of its target: work on [positions, planes]
        INDArray g = Arrays.reshapeCopy(gradOut, n * c, p);
        INDArray target = Nd4j.zeros(type, (long) s.inH() * s.inW(), n * c);
        for (int k = 0; k < 4; k++) {
            INDArray index = s.indexArray(k), weight = s.weightArray(k, type);
            INDArray updates = g.mulRowVector(weight).transpose().dup('c');
            Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(target, index, updates).addOutputs(target).build());
            Arrays.release(updates, weight);
        }
        INDArray result = Nd4j.createUninitialized(type, n, c, s.inH(), s.inW());
        result.reshape('c', n * c, (long) s.inH() * s.inW()).assign(target.transpose());
        Arrays.release(g, target);
        return result;
    }

    // ---------------------------------------------------------------- im2col / col2im

    /** Windows of x as [N,C,kH,kW,oH,oW], with zero padding. */
    protected static INDArray im2col(INDArray x, Window s) {
        long oh = (x.size(2) + 2L * s.pH() - (long) s.dH() * (s.kH() - 1) - 1) / s.sH() + 1;
        long ow = (x.size(3) + 2L * s.pW() - (long) s.dW() * (s.kW() - 1) - 1) / s.sW() + 1;
        INDArray cols = Nd4j.createUninitialized(x.dataType(), x.size(0), x.size(1), s.kH(), s.kW(), oh, ow);
        Nd4j.exec(DynamicCustomOp.builder("im2col").addInputs(x).addOutputs(cols)
                .addIntegerArguments(s.kH(), s.kW(), s.sH(), s.sW(), s.pH(), s.pW(), s.dH(), s.dW(), 0)
                .addFloatingPointArguments(0.0).build());
        return cols;
    }

    /** Sums windows [N,C,kH,kW,oH,oW] back into an image of inputShape (overlaps add, padding dropped). */
    protected static INDArray col2im(INDArray cols, Window s, long[] inputShape) {
        INDArray out = Nd4j.createUninitialized(cols.dataType(), inputShape);
        Nd4j.exec(DynamicCustomOp.builder("col2im").addInputs(cols).addOutputs(out)
                .addIntegerArguments(s.sH(), s.sW(), s.pH(), s.pW(), (int) inputShape[2], (int) inputShape[3], s.dH(), s.dW(), 0)
                .build());
        return out;
    }

    /** x surrounded by pH rows and pW columns of a constant. */
    protected static INDArray padConstant(INDArray x, int pH, int pW, double value) {
        if (pH == 0 && pW == 0) return x;
        INDArray out = Nd4j.valueArrayOf(new long[]{x.size(0), x.size(1), x.size(2) + 2L * pH, x.size(3) + 2L * pW}, value, x.dataType());
        out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(pH, pH + x.size(2)),
                NDArrayIndex.interval(pW, pW + x.size(3))).assign(x);
        return out;
    }

}
