package io.pixelgrad.autograd.functions;

import io.pixelgrad.autograd.Function;
import io.pixelgrad.autograd.ReluRule;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The inverse real 2-D Fourier transform of a scaled half spectrum, written out as matrix products so that any ND4J
 * backend runs it: planes [N,C,H,W] from spectra P [N,C,H,W/2+1,2] (real and imaginary parts last). With
 * S = scale * (P_re + i P_im) the plane is Cy U - Sy V, where U = S_re Cx^T - S_im Sx^T and V = S_re Sx^T + S_im Cx^T
 * come from one product over the columns and the plane from one product over the rows; {@link Plan} holds the cosines
 * and sines.
 *
 * <p>Forward: the column product for every row of every plane at once, a transposing copy, the row product for all
 * planes at once, and a copy back: 2 products and 2 copies (the formula read term by term, as four separable maps,
 * takes 8 of each plus the elementwise sums). Backward: the transposed products in reverse order.
 */
public final class InverseRealDft2d extends Function {

    /**
     * The constant matrices of one transform size, owned by the caller. K = W/2+1; a row of a plane's spectra holds
     * the real and imaginary part of each kx side by side.
     *
     * @param columns [2K, 2W]: a row of spectra to the rows of U and V side by side: (kx, re) -> [Cx[x,kx] | Sx[x,kx]],
     *                (kx, im) -> [-Sx[x,kx] | Cx[x,kx]]
     * @param rows    [H, 2H]: [Cy | -Sy], from U stacked over V to the plane
     * @param scale   [1, H * 2K]: the spectrum scale per (ky, kx), repeated for the real and imaginary parts
     */
    public record Plan(INDArray columns, INDArray rows, INDArray scale) {
        /** Checks that the matrices fit one another. */
        public Plan {
            long h = rows.size(0), k2 = columns.size(0);
            if (rows.size(1) != 2 * h || columns.size(1) % 2 != 0 || scale.length() != h * k2)
                throw new IllegalArgumentException("inverse DFT plan: matrices " + Arrays.shapeText(columns.shape()) + " and "
                        + Arrays.shapeText(rows.shape()) + " and scale of " + scale.length() + " do not fit");
        }

        long height() {
            return rows.size(0);
        }

        long halfWidthTimesTwo() {
            return columns.size(0);
        }

        long width() {
            return columns.size(1) / 2;
        }
    }

    private final Plan plan;
    private final long[] inputShape;

    private InverseRealDft2d(Tensor spectra, Plan plan) {
        super(spectra);
        this.plan = plan;
        this.inputShape = spectra.shape();
    }

    /** Planes [N,C,H,W] of spectra [N,C,H,W/2+1,2]. */
    public static Tensor apply(Tensor spectra, Plan plan) {
        long[] s = spectra.shape();
        if (s.length != 5 || s[4] != 2 || s[2] != plan.height() || 2 * s[3] != plan.halfWidthTimesTwo())
            throw new IllegalArgumentException("inverse DFT: spectra " + Arrays.shapeText(s) + " do not fit a plan for "
                    + plan.height() + "x" + plan.width() + " planes");
        if (spectra.dataType() != plan.rows().dataType())
            throw new IllegalArgumentException("inverse DFT: spectra of " + spectra.dataType() + ", plan of " + plan.rows().dataType());
        InverseRealDft2d f = new InverseRealDft2d(spectra, plan);
        return f.output(f.forward(spectra.value()));
    }

    private INDArray forward(INDArray p) {
        long planes = inputShape[0] * inputShape[1], h = plan.height(), k2 = plan.halfWidthTimesTwo(), w = plan.width();
        INDArray scaled = Arrays.reshapeCopy(p, planes, h * k2).muliRowVector(plan.scale());
        INDArray uv = Nd4j.gemm(scaled.reshape('c', planes * h, k2), plan.columns(), false, false);   // [planes*H, 2W]
        // [2H, planes * W]: U over V for every plane side by side, so one product makes every plane
        INDArray stacked = Nd4j.createUninitialized(p.dataType(), 2 * h, planes * w);
        stacked.reshape('c', 2, h, planes, w).assign(uv.reshape('c', planes, h, 2, w).permute(2, 1, 0, 3));
        INDArray out = Nd4j.gemm(plan.rows(), stacked, false, false);                               // [H, planes * W]
        INDArray planesOut = Nd4j.createUninitialized(p.dataType(), inputShape[0], inputShape[1], h, w);
        planesOut.reshape('c', planes, h, w).assign(out.reshape('c', h, planes, w).permute(1, 0, 2));
        Arrays.release(scaled, uv, stacked, out);
        return planesOut;
    }

    @Override
    protected INDArray[] backward(INDArray g, ReluRule rule) {
        long planes = inputShape[0] * inputShape[1], h = plan.height(), k2 = plan.halfWidthTimesTwo(), w = plan.width();
        INDArray byRow = Nd4j.createUninitialized(g.dataType(), h, planes * w);
        byRow.reshape('c', h, planes, w).assign(g.reshape(planes, h, w).permute(1, 0, 2));
        INDArray stacked = Nd4j.gemm(plan.rows(), byRow, true, false);                              // [2H, planes * W]
        INDArray uv = Nd4j.createUninitialized(g.dataType(), planes * h, 2 * w);
        uv.reshape('c', planes, h, 2, w).assign(stacked.reshape('c', 2, h, planes, w).permute(2, 1, 0, 3));
        INDArray spectra = Nd4j.gemm(uv, plan.columns(), false, true);                               // [planes*H, 2K]
        INDArray grad = Nd4j.createUninitialized(g.dataType(), inputShape);
        grad.reshape('c', planes, h * k2).assign(spectra.reshape('c', planes, h * k2)).muliRowVector(plan.scale());
        Arrays.release(byRow, stacked, uv, spectra);
        return new INDArray[]{grad};
    }
}
