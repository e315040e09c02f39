package io.pixelgrad.engine;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * Kernels tuned for ND4J's CPU backend: max-pool switches and unpooling as plain loops over the off-heap buffers
 * (one pass, no im2col copy), and the input gradient of a convolution as oneDNN's transposed convolution instead of
 * ND4J's conv2d_bp, which gets no oneDNN speed-up. Everything else is the portable set.
 */
public class CpuKernels extends PortableKernels {

    @Override
    public String name() {
        return "cpu";
    }

    // ---------------------------------------------------------------- convolution, input gradient

    @Override
    protected ConvGradients conv2dBackwardOneGroup(INDArray x, INDArray weight, boolean hasBias, INDArray gradOut,
                                                   ConvSpec spec, boolean wantInput, boolean wantWeights) {
        if (wantWeights || dilated(spec)) return super.conv2dBackwardOneGroup(x, weight, hasBias, gradOut, spec, wantInput, true);
        return new ConvGradients(transposedConv(gradOut, weight, x.shape(), spec), null, null);
    }

    /**
     * The gradient to the input: a transposed convolution of gradOut with the same OIYX weights, which ND4J's deconv2d
     * reads directly as its [iC, oC, kH, kW] layout. deconv2d has no output padding, so it runs unpadded and the
     * input-sized window is cut out of the full result (rows the forward pass never reached stay zero).
     */
    private static INDArray transposedConv(INDArray gradOut, INDArray weight, long[] inputShape, ConvSpec s) {
        long kH = weight.size(2), kW = weight.size(3);
        long fullH = (gradOut.size(2) - 1) * s.strideH() + (kH - 1) * s.dilationH() + 1;
        long fullW = (gradOut.size(3) - 1) * s.strideW() + (kW - 1) * s.dilationW() + 1;
        boolean exact = fullH - 2L * s.padH() == inputShape[2] && fullW - 2L * s.padW() == inputShape[3];
        int pH = exact ? s.padH() : 0, pW = exact ? s.padW() : 0;
        INDArray out = Nd4j.createUninitialized(gradOut.dataType(), inputShape[0], inputShape[1], fullH - 2L * pH, fullW - 2L * pW);
        Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(Arrays.contiguous(gradOut), weight).addOutputs(out)
                .addIntegerArguments((int) kH, (int) kW, s.strideH(), s.strideW(), pH, pW, s.dilationH(), s.dilationW(), 0, 0, 1).build());
        if (exact) return out;
        INDArray grad = Nd4j.zeros(gradOut.dataType(), inputShape);
        long rows = Math.min(inputShape[2], fullH - s.padH()), cols = Math.min(inputShape[3], fullW - s.padW());
        grad.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, rows), NDArrayIndex.interval(0, cols))
                .assign(out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(s.padH(), s.padH() + rows),
                        NDArrayIndex.interval(s.padW(), s.padW() + cols)));
        Arrays.release(out);
        return grad;
    }

    // ---------------------------------------------------------------- max pooling with switches

    @Override
    public MaxPoolResult maxPool2d(INDArray input, PoolSpec s) {
        if (input.dataType() != DataType.FLOAT && input.dataType() != DataType.DOUBLE) return super.maxPool2d(input, s);
        INDArray x = Arrays.contiguous(input);
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
        int oh = (int) s.outH(h), ow = (int) s.outW(w);
        if (oh < 1 || ow < 1) return super.maxPool2d(input, s); // lets the portable set report the error
        INDArray out = Nd4j.createUninitialized(x.dataType(), n, c, oh, ow);
        INDArray switches = Nd4j.createUninitialized(DataType.INT64, n, c, oh, ow);
        Values in = values(x.data());
        Values dst = values(out.data());
        LongBuffer sw = switches.data().asNioLong();
        int planes = n * c;
        int plane = h * w, outPlane = oh * ow;
        int[] rowStart = starts(oh, s.strideH(), s.padH()), colStart = starts(ow, s.strideW(), s.padW());
        for (int p = 0; p < planes; p++) {
            int base = p * plane, outBase = p * outPlane;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int bestIndex = -1;
                    scan:
                    for (int ky = 0; ky < s.kernelH(); ky++) {
                        int row = rowStart[i] + ky * s.dilationH();
                        if (row < 0 || row >= h) continue;
                        for (int kx = 0; kx < s.kernelW(); kx++) {
                            int col = colStart[j] + kx * s.dilationW();
                            if (col < 0 || col >= w) continue;
                            int index = row * w + col;
                            double v = in.get(base + index);
                            // Strictly greater keeps the first maximum; a NaN wins and ends the scan, as in PyTorch.
                            if (v > best || bestIndex < 0 || Double.isNaN(v)) {
                                best = v;
                                bestIndex = index;
                                if (Double.isNaN(v)) break scan;
                            }
                        }
                    }
                    dst.set(outBase + i * ow + j, best);
                    sw.put(outBase + i * ow + j, bestIndex);
                }
            }
        }
        if (x != input) Arrays.release(x);
        return new MaxPoolResult(out, switches);
    }

    @Override
    public INDArray maxUnpoolAdd(INDArray gradOut, INDArray switches, long[] inputShape, PoolSpec spec) {
        if (gradOut.dataType() != DataType.FLOAT && gradOut.dataType() != DataType.DOUBLE)
            return super.maxUnpoolAdd(gradOut, switches, inputShape, spec);
        INDArray g = Arrays.contiguous(gradOut);
        INDArray sws = Arrays.contiguous(switches);
        INDArray grad = Nd4j.zeros(g.dataType(), inputShape);
        Values src = values(g.data());
        Values dst = values(grad.data());
        LongBuffer sw = sws.data().asNioLong();
        int planes = (int) (inputShape[0] * inputShape[1]);
        int plane = (int) (inputShape[2] * inputShape[3]);
        int outPlane = (int) (g.size(2) * g.size(3));
        for (int p = 0; p < planes; p++) {
            int base = p * plane, outBase = p * outPlane;
            for (int o = 0; o < outPlane; o++) {
                int target = base + (int) sw.get(outBase + o);
                dst.set(target, dst.get(target) + src.get(outBase + o));
            }
        }
        if (g != gradOut) Arrays.release(g);
        if (sws != switches) Arrays.release(sws);
        return grad;
    }

    private static int[] starts(int outSize, int stride, int pad) {
        int[] starts = new int[outSize];
        for (int i = 0; i < outSize; i++) starts[i] = i * stride - pad;
        return starts;
    }

    /** Reads and writes an off-heap float or double buffer as doubles, so one loop serves both precisions. */
    private interface Values {
        double get(int i);

        void set(int i, double v);
    }

    private static Values values(DataBuffer buffer) {
        if (buffer.dataType() == DataType.FLOAT) {
            FloatBuffer f = buffer.asNioFloat();
            return new Values() {
                public double get(int i) {
                    return f.get(i);
                }

                public void set(int i, double v) {
                    f.put(i, (float) v);
                }
            };
        }
        DoubleBuffer d = buffer.asNioDouble();
        return new Values() {
            public double get(int i) {
                return d.get(i);
            }

            public void set(int i, double v) {
                d.put(i, v);
            }
        };
    }
}
