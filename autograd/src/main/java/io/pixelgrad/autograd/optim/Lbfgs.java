package io.pixelgrad.autograd.optim;

import io.pixelgrad.engine.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * Limited-memory BFGS as torch.optim.LBFGS 1.13, line for line: one {@link #step} runs up to maxIter iterations, each
 * moving along the two-loop-recursion direction, either by a fixed step of lr or by a strong-Wolfe line search.
 * The parameters are seen as one flat vector (their concatenation in order); history vectors and all scalars are in
 * the parameters' data type, as PyTorch keeps them.
 */
public final class Lbfgs extends Optimizer {

    /** The line search: none (fixed step lr) or strong Wolfe (torch's "strong_wolfe"). */
    public enum LineSearch {
        /** Move by lr along the direction (the first iteration: by min(1, 1/|g|_1) * lr). */
        NONE,
        /** Bracket and zoom until the strong Wolfe conditions hold (c1 1e-4, c2 0.9, at most 25 evaluations). */
        STRONG_WOLFE
    }

    private final int maxIter, maxEval, historySize;
    private final double toleranceGrad, toleranceChange;
    private final LineSearch lineSearch;
    private final long numel;

    // State carried from step to step, as torch keeps it in state[first param].
    private int funcEvals, nIter;
    private INDArray d, prevFlatGrad;
    private double t, hDiag, prevLoss;
    private final List<INDArray> oldDirs = new ArrayList<>(), oldStps = new ArrayList<>();
    private final List<Double> ro = new ArrayList<>();
    private final double[] al;

    private Lbfgs(Builder b) {
        super(b.params);
        if (b.maxIter < 1 || b.historySize < 1) throw new IllegalArgumentException("max_iter and history_size must be >= 1");
        setLearningRate(b.lr);
        this.maxIter = b.maxIter;
        this.maxEval = b.maxEval > 0 ? b.maxEval : b.maxIter * 5 / 4;
        this.toleranceGrad = b.toleranceGrad;
        this.toleranceChange = b.toleranceChange;
        this.historySize = b.historySize;
        this.lineSearch = b.lineSearch;
        long n = 0;
        for (INDArray p : parameters()) n += p.length();
        this.numel = n;
        this.al = new double[historySize];
    }

    /** Starts a builder with torch's defaults (lr 1, max_iter 20, history 100, no line search). */
    public static Builder builder(List<INDArray> params) {
        return new Builder(params);
    }

    /** Total closure evaluations so far (torch's state["func_evals"]). */
    public int functionEvaluations() {
        return funcEvals;
    }

    /** Total iterations so far (torch's state["n_iter"]). */
    public int iterations() {
        return nIter;
    }

    @Override
    public double step(Closure closure) {
        double origLoss = evaluate(closure);
        double loss = origLoss;
        int currentEvals = 1;
        funcEvals++;
        INDArray flatGrad = flatGradient();
        boolean optCond = absMax(flatGrad) <= rounded(toleranceGrad);
        if (optCond) {
            Arrays.release(flatGrad);
            countStep();
            return origLoss;
        }
        int n = 0;
        while (n < maxIter) {
            n++;
            nIter++;
            // ---- the descent direction
            if (nIter == 1) {
                replaceD(flatGrad.neg());
                releaseHistory();
                hDiag = 1;
            } else {
                INDArray y = flatGrad.sub(prevFlatGrad);
                INDArray s = d.mul(t);
                double ys = rounded(dot(y, s));
                if (ys > 1e-10) {
                    if (oldDirs.size() == historySize) {
                        Arrays.release(oldDirs.remove(0), oldStps.remove(0));
                        ro.remove(0);
                    }
                    oldDirs.add(y);
                    oldStps.add(s);
                    ro.add(rounded(1.0 / ys));
                    hDiag = rounded(ys / rounded(dot(y, y)));
                } else {
                    Arrays.release(y, s);
                }
                // two-loop recursion: the approximate inverse Hessian times the negative gradient
                int numOld = oldDirs.size();
                INDArray q = flatGrad.neg();
                for (int i = numOld - 1; i >= 0; i--) {
                    al[i] = rounded(rounded(dot(oldStps.get(i), q)) * ro.get(i));
                    axpy(-al[i], oldDirs.get(i), q);
                }
                INDArray r = q.mul(hDiag);
                Arrays.release(q);
                for (int i = 0; i < numOld; i++) {
                    double be = rounded(rounded(dot(oldDirs.get(i), r)) * ro.get(i));
                    axpy(rounded(al[i] - be), oldStps.get(i), r);
                }
                replaceD(r);
            }
            if (prevFlatGrad == null) prevFlatGrad = flatGrad.dup();
            else prevFlatGrad.assign(flatGrad);
            prevLoss = loss;
            // ---- the step length
            if (nIter == 1) {
                double inverse = rounded(1.0 / rounded(flatGrad.norm1Number().doubleValue()));
                t = rounded(Math.min(1.0, inverse) * learningRate());
            } else {
                t = learningRate();
            }
            double gtd = rounded(dot(flatGrad, d));
            if (gtd > -toleranceChange) break;
            int lsEvals = 0;
            if (lineSearch == LineSearch.STRONG_WOLFE) {
                List<INDArray> xInit = new ArrayList<>();
                for (INDArray p : parameters()) xInit.add(p.dup());
                try {
                    WolfeResult w = strongWolfe(closure, xInit, t, d, loss, flatGrad, gtd);
                    loss = w.f;
                    if (w.g != flatGrad) Arrays.release(flatGrad);
                    flatGrad = w.g;
                    t = w.t;
                    lsEvals = w.evals;
                } finally {
                    for (INDArray x : xInit) Arrays.release(x);
                }
                addGrad(t, d);
                optCond = absMax(flatGrad) <= rounded(toleranceGrad);
            } else {
                addGrad(t, d);
                if (n != maxIter) {
                    // Not re-evaluated after the last iteration: in a stochastic setting that would be wasted work.
                    loss = evaluate(closure);
                    Arrays.release(flatGrad);
                    flatGrad = flatGradient();
                    optCond = absMax(flatGrad) <= rounded(toleranceGrad);
                    lsEvals = 1;
                }
            }
            currentEvals += lsEvals;
            funcEvals += lsEvals;
            // ---- stopping conditions
            if (n == maxIter || currentEvals >= maxEval || optCond) break;
            if (lackOfProgress(t)) break;
            if (Math.abs(loss - prevLoss) < toleranceChange) break;
        }
        Arrays.release(flatGrad);
        countStep();
        return origLoss;
    }

    /** torch's test max|d * t| <= tolerance_change, computed exactly as there (the product rounded elementwise). */
    private boolean lackOfProgress(double step) {
        INDArray moved = d.mul(step);
        try {
            return absMax(moved) <= toleranceChange;
        } finally {
            Arrays.release(moved);
        }
    }

    private void replaceD(INDArray next) {
        Arrays.release(d);
        d = next;
    }

    private record WolfeResult(double f, INDArray g, double t, int evals) {
    }

    /**
     * torch's _strong_wolfe (ported from lswolfe.lua): bracket an interval containing a point that satisfies the strong
     * Wolfe conditions, then zoom into it by cubic interpolation. Gradients are treated as immutable values here, so
     * none needs torch's defensive clones; every array made is freed except the returned gradient.
     */
    private WolfeResult strongWolfe(Closure closure, List<INDArray> x, double t, INDArray d, double f, INDArray g,
                                    double gtd) {
        final double c1 = 1e-4, c2 = 0.9;
        final int maxLs = 25;
        List<INDArray> made = new ArrayList<>();
        double dNorm = absMax(d);
        Evaluation e = directionalEvaluate(closure, x, t, d, made);
        double fNew = e.f;
        INDArray gNew = e.g;
        int lsFuncEvals = 1;
        double gtdNew = rounded(dot(gNew, d));

        double tPrev = 0, fPrev = f, gtdPrev = gtd;
        INDArray gPrev = g;
        boolean done = false;
        int lsIter = 0;
        double[] bracket = null, bracketF = null, bracketGtd = null;
        INDArray[] bracketG = null;
        while (lsIter < maxLs) {
            if (fNew > (f + c1 * t * gtd) || (lsIter > 1 && fNew >= fPrev)) {
                bracket = new double[]{tPrev, t};
                bracketF = new double[]{fPrev, fNew};
                bracketG = new INDArray[]{gPrev, gNew};
                bracketGtd = new double[]{gtdPrev, gtdNew};
                break;
            }
            if (Math.abs(gtdNew) <= -c2 * gtd) {
                bracket = new double[]{t};
                bracketF = new double[]{fNew};
                bracketG = new INDArray[]{gNew};
                done = true;
                break;
            }
            if (gtdNew >= 0) {
                bracket = new double[]{tPrev, t};
                bracketF = new double[]{fPrev, fNew};
                bracketG = new INDArray[]{gPrev, gNew};
                bracketGtd = new double[]{gtdPrev, gtdNew};
                break;
            }
            double minStep = t + 0.01 * (t - tPrev);
            double maxStep = t * 10;
            double tmp = t;
            t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, minStep, maxStep);
            tPrev = tmp;
            fPrev = fNew;
            gPrev = gNew;
            gtdPrev = gtdNew;
            e = directionalEvaluate(closure, x, t, d, made);
            fNew = e.f;
            gNew = e.g;
            lsFuncEvals++;
            gtdNew = rounded(dot(gNew, d));
            lsIter++;
        }
        if (lsIter == maxLs) {
            bracket = new double[]{0, t};
            bracketF = new double[]{f, fNew};
            bracketG = new INDArray[]{g, gNew};
            // torch leaves bracket_gtd as it was: the zoom below never runs once ls_iter == max_ls.
        }
        boolean insufficientProgress = false;
        int lowPos = bracketF[0] <= bracketF[bracketF.length - 1] ? 0 : 1, highPos = 1 - lowPos;
        while (!done && lsIter < maxLs) {
            if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
            t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1],
                    Double.NaN, Double.NaN);
            double hi = pyMax(bracket[0], bracket[1]), lo = pyMin(bracket[0], bracket[1]);
            double eps = 0.1 * (hi - lo);
            if (pyMin(hi - t, t - lo) < eps) {
                if (insufficientProgress || t >= hi || t <= lo) {
                    t = Math.abs(t - hi) < Math.abs(t - lo) ? hi - eps : lo + eps;
                    insufficientProgress = false;
                } else {
                    insufficientProgress = true;
                }
            } else {
                insufficientProgress = false;
            }
            e = directionalEvaluate(closure, x, t, d, made);
            fNew = e.f;
            gNew = e.g;
            lsFuncEvals++;
            gtdNew = rounded(dot(gNew, d));
            lsIter++;
            if (fNew > (f + c1 * t * gtd) || fNew >= bracketF[lowPos]) {
                bracket[highPos] = t;
                bracketF[highPos] = fNew;
                bracketG[highPos] = gNew;
                bracketGtd[highPos] = gtdNew;
                lowPos = bracketF[0] <= bracketF[1] ? 0 : 1;
                highPos = 1 - lowPos;
            } else {
                if (Math.abs(gtdNew) <= -c2 * gtd) {
                    done = true;
                } else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0) {
                    bracket[highPos] = bracket[lowPos];
                    bracketF[highPos] = bracketF[lowPos];
                    bracketG[highPos] = bracketG[lowPos];
                    bracketGtd[highPos] = bracketGtd[lowPos];
                }
                bracket[lowPos] = t;
                bracketF[lowPos] = fNew;
                bracketG[lowPos] = gNew;
                bracketGtd[lowPos] = gtdNew;
            }
        }
        INDArray result = bracketG[lowPos];
        for (INDArray a : made) if (a != result) Arrays.release(a);
        return new WolfeResult(bracketF[lowPos], result, bracket[lowPos], lsFuncEvals);
    }

    private record Evaluation(double f, INDArray g) {
    }

    /** The loss and flat gradient at x + t d; the parameters are x again afterwards. */
    private Evaluation directionalEvaluate(Closure closure, List<INDArray> x, double t, INDArray d, List<INDArray> made) {
        addGrad(t, d);
        double loss = evaluate(closure);
        INDArray g = flatGradient();
        made.add(g);
        List<INDArray> params = parameters();
        for (int i = 0; i < params.size(); i++) params.get(i).assign(x.get(i));
        return new Evaluation(loss, g);
    }

    /**
     * torch's _cubic_interpolate: the minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2,
     * clamped to the bounds (the interval between x1 and x2 when the bounds are NaN); the bounds' midpoint when the
     * cubic has no minimum.
     */
    static double cubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, double lower, double upper) {
        double xminBound, xmaxBound;
        if (!Double.isNaN(lower)) {
            xminBound = lower;
            xmaxBound = upper;
        } else if (x1 <= x2) {
            xminBound = x1;
            xmaxBound = x2;
        } else {
            xminBound = x2;
            xmaxBound = x1;
        }
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2Square = d1 * d1 - g1 * g2;
        if (d2Square >= 0) {
            double d2 = Math.sqrt(d2Square);
            double minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                    : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            return pyMin(pyMax(minPos, xminBound), xmaxBound);
        }
        return (xminBound + xmaxBound) / 2.0;
    }

    /** Python's max(a, b): b only when b > a (so a NaN first argument wins, as in torch's code). */
    private static double pyMax(double a, double b) {
        return b > a ? b : a;
    }

    /** Python's min(a, b). */
    private static double pyMin(double a, double b) {
        return b < a ? b : a;
    }

    /** The concatenated gradients of every parameter, a new flat array. */
    private INDArray flatGradient() {
        INDArray flat = Nd4j.createUninitialized(dataType(), numel);
        long offset = 0;
        for (INDArray g : gradients()) {
            flat.get(NDArrayIndex.interval(offset, offset + g.length())).assign(g.reshape(g.length()));
            offset += g.length();
        }
        return flat;
    }

    /** p += step * update[p's slice] for every parameter (torch's _add_grad). */
    private void addGrad(double step, INDArray update) {
        long offset = 0;
        for (INDArray p : parameters()) {
            INDArray part = update.get(NDArrayIndex.interval(offset, offset + p.length())).reshape(p.shape()).mul(step);
            p.addi(part);
            Arrays.release(part);
            offset += p.length();
        }
    }

    private static double dot(INDArray a, INDArray b) {
        return Nd4j.getBlasWrapper().dot(a, b);
    }

    /** y += alpha * x in place. */
    private static void axpy(double alpha, INDArray x, INDArray y) {
        INDArray scaled = x.mul(alpha);
        y.addi(scaled);
        Arrays.release(scaled);
    }

    private static double absMax(INDArray a) {
        return a.amaxNumber().doubleValue();
    }

    private void releaseHistory() {
        for (INDArray a : oldDirs) Arrays.release(a);
        for (INDArray a : oldStps) Arrays.release(a);
        oldDirs.clear();
        oldStps.clear();
        ro.clear();
    }

    @Override
    protected void releaseState() {
        releaseHistory();
        Arrays.release(d, prevFlatGrad);
    }

    /** Options of {@link Lbfgs} with torch's defaults. */
    public static final class Builder {
        private final List<INDArray> params;
        private double lr = 1, toleranceGrad = 1e-7, toleranceChange = 1e-9;
        private int maxIter = 20, maxEval = 0, historySize = 100;
        private LineSearch lineSearch = LineSearch.NONE;

        private Builder(List<INDArray> params) {
            this.params = params;
        }

        /** Learning rate: the step length without line search, the first trial step with it (default 1). */
        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        /** Iterations per step (default 20). */
        public Builder maxIter(int maxIter) {
            this.maxIter = maxIter;
            return this;
        }

        /** Closure evaluations per step (default max_iter * 5 / 4). */
        public Builder maxEval(int maxEval) {
            this.maxEval = maxEval;
            return this;
        }

        /** Stop when max |gradient| is at most this (default 1e-7). */
        public Builder toleranceGrad(double toleranceGrad) {
            this.toleranceGrad = toleranceGrad;
            return this;
        }

        /** Stop when the loss or the parameters change by less than this (default 1e-9). */
        public Builder toleranceChange(double toleranceChange) {
            this.toleranceChange = toleranceChange;
            return this;
        }

        /** Number of (s, y) pairs kept (default 100). */
        public Builder historySize(int historySize) {
            this.historySize = historySize;
            return this;
        }

        /** The line search (default none). */
        public Builder lineSearch(LineSearch lineSearch) {
            this.lineSearch = lineSearch;
            return this;
        }

        /** The optimizer. */
        public Lbfgs build() {
            return new Lbfgs(this);
        }
    }
}
