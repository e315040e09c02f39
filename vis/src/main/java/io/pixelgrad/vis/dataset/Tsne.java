package io.pixelgrad.vis.dataset;

import io.pixelgrad.engine.Parallel;
import io.pixelgrad.vis.ProgressListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * t-SNE (van der Maaten and Hinton, 2008): a 2-D map of high-dimensional points in which near neighbours stay near.
 * Exact below {@link Options#exactBelow} points, Barnes-Hut (van der Maaten, 2014) above. Written here because no
 * maintained Java t-SNE library with an Apache-2.0-compatible licence is available (docs/architecture.md).
 *
 * <p><b>Input similarities.</b> For each point i a Gaussian of precision beta_i is fitted by binary search so that the
 * perplexity 2^H(P_i) of p_{j|i} = exp(-beta_i |x_i - x_j|^2) / sum_{k != i} exp(-beta_i |x_i - x_k|^2) equals the
 * perplexity asked for (30); then p_ij = (p_{j|i} + p_{i|j}) / 2N. Exact t-SNE uses every j; Barnes-Hut only the
 * floor(3 * perplexity) nearest neighbours of i (the others' p_{j|i} are negligible).
 *
 * <p><b>Map similarities.</b> A Student t with one degree of freedom: w_ij = 1 / (1 + |y_i - y_j|^2),
 * q_ij = w_ij / Z with Z = sum_{k != l} w_kl.
 *
 * <p><b>Cost and gradient.</b> C = KL(P || Q) = sum_{i != j} p_ij log(p_ij / q_ij), and
 * <pre>
 *   dC/dy_i = 4 sum_j (p_ij - q_ij) w_ij (y_i - y_j)
 *           = 4 ( sum_j p_ij w_ij (y_i - y_j)  -  (1/Z) sum_j w_ij^2 (y_i - y_j) )
 *                 attraction (sparse in P)         repulsion (every pair)
 * </pre>
 * Exact t-SNE sums the repulsion over every pair. Barnes-Hut builds a quadtree over the map every iteration and,
 * when a cell of width r holding N_cell points with centre of mass y_cell is far from y_i (r / |y_i - y_cell| &lt;
 * theta = 0.5), counts the cell as N_cell points at y_cell: N_cell w^2 (y_i - y_cell) in the repulsion and N_cell w
 * in Z.
 *
 * <p><b>Optimization</b> (as scikit-learn and the reference implementation): start at 1e-4 * N(0, 1) from the seed;
 * 1000 iterations of gradient descent with momentum 0.5 for the first 250 and 0.8 after, learning rate
 * max(N / 12 / 4, 50), per-coordinate gains (+0.2 when the gradient changes sign against the step, x0.8 otherwise, at
 * least 0.01), P multiplied by 12 (early exaggeration) for the first 250 iterations, the map re-centred after every
 * step. Every 50 iterations, and at the end, the cost KL(P || Q) with the true P is recorded.
 *
 * <p>Work is split over points in fixed chunks and every sum is added in point order, so the result is bitwise the
 * same for the same input and seed, whatever the number of threads.
 */
public final class Tsne {

    private static final int CHUNKS = 64;
    private static final int MAX_DEPTH = 48;

    /**
     * Parameters of a run.
     *
     * @param perplexity             effective number of neighbours (30)
     * @param iterations             gradient steps (1000)
     * @param theta                  Barnes-Hut accuracy (0.5; smaller is more exact and slower)
     * @param exactBelow             exact t-SNE for fewer points than this (5000)
     * @param earlyExaggeration      factor on P in the first phase (12)
     * @param exaggerationIterations length of the first phase (250)
     * @param learningRate           step size; 0 for max(N / earlyExaggeration / 4, 50)
     * @param seed                   seed of the start
     * @param recordEvery            record KL(P || Q) every this many iterations (50)
     */
    public record Options(double perplexity, int iterations, double theta, int exactBelow, double earlyExaggeration,
                          int exaggerationIterations, double learningRate, long seed, int recordEvery) {
        /** Checks the values. */
        public Options {
            if (!(perplexity > 0)) throw new IllegalArgumentException("perplexity must be positive, not " + perplexity);
            if (iterations < 1) throw new IllegalArgumentException("iterations must be at least 1, not " + iterations);
            if (!(theta >= 0)) throw new IllegalArgumentException("theta must be >= 0, not " + theta);
            if (learningRate < 0) throw new IllegalArgumentException("the learning rate must be >= 0, not " + learningRate);
            if (recordEvery < 1) throw new IllegalArgumentException("recordEvery must be at least 1");
        }

        /** perplexity 30, 1000 iterations, theta 0.5, exact below 5000 points, exaggeration 12 for 250 iterations, automatic learning rate. */
        public static Options defaults(long seed) {
            return new Options(30, 1000, 0.5, 5000, 12, 250, 0, seed, 50);
        }

        /** The same with another perplexity. */
        public Options withPerplexity(double p) {
            return new Options(p, iterations, theta, exactBelow, earlyExaggeration, exaggerationIterations, learningRate, seed, recordEvery);
        }

        /** The same with another number of iterations. */
        public Options withIterations(int n) {
            return new Options(perplexity, n, theta, exactBelow, earlyExaggeration, exaggerationIterations, learningRate, seed, recordEvery);
        }

        /** The same, exact below n points (0: always Barnes-Hut; Integer.MAX_VALUE: always exact). */
        public Options withExactBelow(int n) {
            return new Options(perplexity, iterations, theta, n, earlyExaggeration, exaggerationIterations, learningRate, seed, recordEvery);
        }
    }

    /**
     * A finished map.
     *
     * @param y            the map: row i is point i's (x, y)
     * @param exact        whether exact t-SNE ran (else Barnes-Hut)
     * @param learningRate the learning rate used
     * @param klIterations the iterations after which the cost was recorded
     * @param kl           KL(P || Q) after each of those iterations (the true P, also during exaggeration)
     */
    public record Result(double[][] y, boolean exact, double learningRate, int[] klIterations, double[] kl) {
    }

    private Tsne() {
    }

    /** Maps the rows of x (N points of any dimension; N at least 2) to 2-D. */
    public static Result run(double[][] x, Options o, ProgressListener progress) {
        int n = x.length;
        if (n < 2) throw new IllegalArgumentException("t-SNE needs at least two points, not " + n);
        if (o.perplexity() > (n - 1) / 3.0)
            throw new IllegalArgumentException("perplexity " + o.perplexity() + " needs more than " + (int) Math.ceil(3 * o.perplexity())
                    + " points; there are " + n + " (use a perplexity of at most " + (n - 1) / 3 + ")");
        boolean exact = n < o.exactBelow() || o.theta() == 0;
        if (exact && n > 20_000)
            throw new IllegalArgumentException("exact t-SNE of " + n + " points would need an N x N matrix; use Barnes-Hut (theta > 0)");
        Similarities p = exact ? exactP(x, o.perplexity()) : sparseP(x, o.perplexity());
        double lr = o.learningRate() > 0 ? o.learningRate() : Math.max(n / o.earlyExaggeration() / 4, 50);

        double[] y = new double[2 * n];
        Random random = new Random(o.seed());
        for (int i = 0; i < y.length; i++) y[i] = 1e-4 * random.nextGaussian();
        double[] grad = new double[2 * n], update = new double[2 * n], gains = new double[2 * n];
        java.util.Arrays.fill(gains, 1.0);
        List<Integer> klAt = new ArrayList<>();
        List<Double> kl = new ArrayList<>();
        for (int it = 0; it < o.iterations(); it++) {
            boolean early = it < o.exaggerationIterations();
            double exaggeration = early ? o.earlyExaggeration() : 1;
            double momentum = early ? 0.5 : 0.8;
            double z = exact ? exactGradient(p, y, exaggeration, grad) : barnesHutGradient(p, y, exaggeration, o.theta(), grad);
            boolean record = (it + 1) % o.recordEvery() == 0 || it + 1 == o.iterations();
            if (record) {
                klAt.add(it + 1);
                kl.add(klDivergence(p, y, z));   // the cost of the map this gradient was taken at
            }
            for (int i = 0; i < y.length; i++) {
                // delta-bar-delta gains: grow while the gradient keeps pushing against the step, shrink otherwise
                gains[i] = (grad[i] > 0) != (update[i] > 0) ? gains[i] + 0.2 : gains[i] * 0.8;
                if (gains[i] < 0.01) gains[i] = 0.01;
                update[i] = momentum * update[i] - lr * gains[i] * grad[i];
                y[i] += update[i];
            }
            recentre(y);
            progress.progress(it + 1, o.iterations());
        }
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) out[i] = new double[]{y[2 * i], y[2 * i + 1]};
        return new Result(out, exact, lr, klAt.stream().mapToInt(Integer::intValue).toArray(),
                kl.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * The joint probabilities p_ij, symmetric, summing to 1: dense (exact t-SNE, an N x N float matrix) or sparse
     * (Barnes-Hut, rows of the nearest neighbours in compressed row form).
     */
    static final class Similarities {
        final int n;
        final float[] dense;          // exact: p_ij at i * n + j
        final int[] rowStart, cols;   // sparse: row i's entries are [rowStart[i], rowStart[i + 1])
        final double[] values;

        Similarities(int n, float[] dense) {
            this.n = n;
            this.dense = dense;
            this.rowStart = null;
            this.cols = null;
            this.values = null;
        }

        Similarities(int n, int[] rowStart, int[] cols, double[] values) {
            this.n = n;
            this.dense = null;
            this.rowStart = rowStart;
            this.cols = cols;
            this.values = values;
        }
    }

    /** Exact p_ij from every pair's squared distance. */
    static Similarities exactP(double[][] x, double perplexity) {
        int n = x.length;
        float[] p = new float[n * n];
        chunks(n, (from, to) -> {
            double[] d2 = new double[n], row = new double[n];
            for (int i = from; i < to; i++) {
                for (int j = 0; j < n; j++) d2[j] = j == i ? Double.NaN : squaredDistance(x[i], x[j]);
                conditional(d2, perplexity, row);
                for (int j = 0; j < n; j++) p[i * n + j] = (float) row[j];
            }
        });
        // p_ij = (p_{j|i} + p_{i|j}) / 2N, in place: each pair is read and written once
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                float s = (float) (((double) p[i * n + j] + p[j * n + i]) / (2.0 * n));
                p[i * n + j] = s;
                p[j * n + i] = s;
            }
        return new Similarities(n, p);
    }

    /** Barnes-Hut's sparse p_ij from each point's floor(3 * perplexity) nearest neighbours. */
    static Similarities sparseP(double[][] x, double perplexity) {
        int n = x.length;
        int k = Math.min(n - 1, (int) (3 * perplexity));
        int[] neighbours = new int[n * k];
        double[] conditional = new double[n * k];
        chunks(n, (from, to) -> {
            double[] d2 = new double[k], row = new double[k];
            int[] idx = new int[k];
            for (int i = from; i < to; i++) {
                nearest(x, i, k, idx, d2);
                conditional(d2, perplexity, row);
                for (int m = 0; m < k; m++) {
                    neighbours[i * k + m] = idx[m];
                    conditional[i * k + m] = row[m];
                }
            }
        });
        // Symmetrize: row i holds p_{j|i} for its neighbours j and p_{i|j} for every j that has i as a neighbour.
        int[] count = new int[n];
        for (int i = 0; i < n; i++) {
            count[i] += k;
            for (int m = 0; m < k; m++) count[neighbours[i * k + m]]++;
        }
        int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) start[i + 1] = start[i] + count[i];
        int[] col = new int[start[n]];
        double[] val = new double[start[n]];
        int[] fill = java.util.Arrays.copyOf(start, n);
        for (int i = 0; i < n; i++)
            for (int m = 0; m < k; m++) {
                int j = neighbours[i * k + m];
                double v = conditional[i * k + m];
                col[fill[i]] = j;
                val[fill[i]++] = v;
                col[fill[j]] = i;
                val[fill[j]++] = v;
            }
        // Within each row: sort by column, add duplicates (j is i's neighbour and i is j's), divide by 2N.
        int[] rowStart = new int[n + 1];
        int[] cols = new int[start[n]];
        double[] values = new double[start[n]];
        int out = 0;
        for (int i = 0; i < n; i++) {
            rowStart[i] = out;
            int from = start[i], to = start[i + 1];
            Integer[] order = new Integer[to - from];
            for (int m = 0; m < order.length; m++) order[m] = from + m;
            java.util.Arrays.sort(order, (a, b) -> Integer.compare(col[a], col[b]));
            for (int m = 0; m < order.length; m++) {
                int e = order[m];
                if (out > rowStart[i] && cols[out - 1] == col[e]) {
                    values[out - 1] += val[e];
                } else {
                    cols[out] = col[e];
                    values[out++] = val[e];
                }
            }
        }
        rowStart[n] = out;
        for (int e = 0; e < out; e++) values[e] /= 2.0 * n;
        return new Similarities(n, rowStart, java.util.Arrays.copyOf(cols, out), java.util.Arrays.copyOf(values, out));
    }

    /** The k nearest points to point i by squared distance (ties: smaller index), nearest first, by a full scan. */
    private static void nearest(double[][] x, int i, int k, int[] idx, double[] d2) {
        // the top-k heap of the data-set views, ranking by -distance: nearest = best, equal distances by index
        TopKHeap heap = new TopKHeap(k);
        for (int j = 0; j < x.length; j++) if (j != i) heap.offer(-squaredDistance(x[i], x[j]), j, 0);
        List<Hit> near = heap.sorted(1);
        for (int m = 0; m < k; m++) {
            idx[m] = near.get(m).image();
            d2[m] = -near.get(m).value();
        }
    }

    /**
     * p_{j|i} for one point from its squared distances (NaN marks the point itself): the precision beta is found by
     * bisection (doubling or halving until bracketed) so that the entropy H = log(sum) + beta * sum(d p) / sum, in
     * nats, is log(perplexity) to within 1e-5; at most 100 steps.
     */
    static void conditional(double[] d2, double perplexity, double[] out) {
        double target = Math.log(perplexity);
        double min = Double.POSITIVE_INFINITY;
        for (double d : d2) if (d < min) min = d;   // NaN compares false: the point itself is skipped
        double beta = 1, lo = Double.NEGATIVE_INFINITY, hi = Double.POSITIVE_INFINITY;
        for (int step = 0; step < 100; step++) {
            double sum = 0, weighted = 0;
            for (int j = 0; j < d2.length; j++) {
                if (Double.isNaN(d2[j])) {
                    out[j] = 0;
                    continue;
                }
                // shifted by the smallest distance: the same normalized p, without underflow for far points
                double e = Math.exp(-beta * (d2[j] - min));
                out[j] = e;
                sum += e;
                weighted += (d2[j] - min) * e;
            }
            double h = Math.log(sum) + beta * weighted / sum;
            double diff = h - target;
            for (int j = 0; j < d2.length; j++) out[j] /= sum;
            if (Math.abs(diff) < 1e-5) return;
            if (diff > 0) {   // too flat: sharpen
                lo = beta;
                beta = hi == Double.POSITIVE_INFINITY ? beta * 2 : (beta + hi) / 2;
            } else {
                hi = beta;
                beta = lo == Double.NEGATIVE_INFINITY ? beta / 2 : (beta + lo) / 2;
            }
        }
    }

    /** Exact gradient into grad; returns Z. The attraction uses exaggeration * p_ij. */
    static double exactGradient(Similarities p, double[] y, double exaggeration, double[] grad) {
        int n = p.n;
        double[] zRow = new double[n], repulsion = new double[2 * n];
        chunks(n, (from, to) -> {
            for (int i = from; i < to; i++) {
                double yi0 = y[2 * i], yi1 = y[2 * i + 1];
                double a0 = 0, a1 = 0, r0 = 0, r1 = 0, z = 0;
                int base = i * n;
                for (int j = 0; j < n; j++) {
                    if (j == i) continue;
                    double d0 = yi0 - y[2 * j], d1 = yi1 - y[2 * j + 1];
                    double w = 1 / (1 + d0 * d0 + d1 * d1);
                    z += w;
                    double pw = p.dense[base + j] * w;
                    a0 += pw * d0;
                    a1 += pw * d1;
                    double ww = w * w;
                    r0 += ww * d0;
                    r1 += ww * d1;
                }
                zRow[i] = z;
                grad[2 * i] = exaggeration * a0;
                grad[2 * i + 1] = exaggeration * a1;
                repulsion[2 * i] = r0;
                repulsion[2 * i + 1] = r1;
            }
        });
        return combine(zRow, repulsion, grad);
    }

    /** Barnes-Hut gradient into grad; returns the approximated Z. */
    static double barnesHutGradient(Similarities p, double[] y, double exaggeration, double theta, double[] grad) {
        int n = p.n;
        QuadTree tree = new QuadTree(y, n);
        double[] zRow = new double[n], repulsion = new double[2 * n];
        chunks(n, (from, to) -> {
            int[] stack = new int[4 * MAX_DEPTH + 8];
            double[] acc = new double[3];
            for (int i = from; i < to; i++) {
                double yi0 = y[2 * i], yi1 = y[2 * i + 1];
                double a0 = 0, a1 = 0;
                for (int e = p.rowStart[i]; e < p.rowStart[i + 1]; e++) {
                    int j = p.cols[e];
                    double d0 = yi0 - y[2 * j], d1 = yi1 - y[2 * j + 1];
                    double w = 1 / (1 + d0 * d0 + d1 * d1);
                    a0 += p.values[e] * w * d0;
                    a1 += p.values[e] * w * d1;
                }
                tree.repulsion(i, theta, stack, acc);
                zRow[i] = acc[2];
                grad[2 * i] = exaggeration * a0;
                grad[2 * i + 1] = exaggeration * a1;
                repulsion[2 * i] = acc[0];
                repulsion[2 * i + 1] = acc[1];
            }
        });
        return combine(zRow, repulsion, grad);
    }

    /**
     * Z = the per-point sums added in point order (so the threads do not change it); then, with grad holding the
     * attraction, grad_i = 4 (attraction_i - repulsion_i / Z).
     */
    private static double combine(double[] zRow, double[] repulsion, double[] grad) {
        double z = 0;
        for (double v : zRow) z += v;
        for (int i = 0; i < grad.length; i++) grad[i] = 4 * (grad[i] - repulsion[i] / z);
        return z;
    }

    /** Runs body over [0, n) split into fixed ranges (CHUNKS of them, whatever the thread count), in parallel. */
    private static void chunks(int n, Range body) {
        int chunks = Math.min(CHUNKS, n);
        Parallel.forEach(chunks, c -> body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
    }

    @FunctionalInterface
    private interface Range {
        void run(int from, int to);
    }

    /** KL(P || Q) of the map y, with Z as the gradient computed it (exact, or Barnes-Hut's approximation). */
    static double klDivergence(Similarities p, double[] y, double z) {
        int n = p.n;
        double[] rowKl = new double[n];
        chunks(n, (from, to) -> {
            for (int i = from; i < to; i++) {
                double s = 0;
                if (p.dense != null) {
                    for (int j = 0; j < n; j++) {
                        double pij = p.dense[i * n + j];
                        if (j == i || pij <= 0) continue;
                        s += pij * Math.log(pij / qij(y, i, j, z));
                    }
                } else {
                    for (int e = p.rowStart[i]; e < p.rowStart[i + 1]; e++) {
                        double pij = p.values[e];
                        if (pij > 0) s += pij * Math.log(pij / qij(y, i, p.cols[e], z));
                    }
                }
                rowKl[i] = s;
            }
        });
        double kl = 0;
        for (double v : rowKl) kl += v;
        return kl;
    }

    private static double qij(double[] y, int i, int j, double z) {
        double d0 = y[2 * i] - y[2 * j], d1 = y[2 * i + 1] - y[2 * j + 1];
        return Math.max(1 / (1 + d0 * d0 + d1 * d1) / z, Double.MIN_NORMAL);
    }

    private static void recentre(double[] y) {
        int n = y.length / 2;
        double m0 = 0, m1 = 0;
        for (int i = 0; i < n; i++) {
            m0 += y[2 * i];
            m1 += y[2 * i + 1];
        }
        m0 /= n;
        m1 /= n;
        for (int i = 0; i < n; i++) {
            y[2 * i] -= m0;
            y[2 * i + 1] -= m1;
        }
    }

    static double squaredDistance(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            double d = a[k] - b[k];
            s += d * d;
        }
        return s;
    }

    /**
     * The quadtree of one iteration's map: every cell knows how many points it holds and their centre of mass; a leaf
     * holds one point, or several at the same place (or at the depth limit), chained through {@code next}.
     */
    static final class QuadTree {
        private final double[] y;
        private int nodes;
        private double[] cx, cy, half, sx, sy;
        private int[] count, firstChild, first;
        private final int[] next;

        QuadTree(double[] y, int n) {
            this.y = y;
            this.next = new int[n];
            int capacity = Math.max(16, 2 * n);
            cx = new double[capacity];
            cy = new double[capacity];
            half = new double[capacity];
            sx = new double[capacity];
            sy = new double[capacity];
            count = new int[capacity];
            firstChild = new int[capacity];
            first = new int[capacity];
            double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY, minY = minX, maxY = maxX;
            for (int i = 0; i < n; i++) {
                minX = Math.min(minX, y[2 * i]);
                maxX = Math.max(maxX, y[2 * i]);
                minY = Math.min(minY, y[2 * i + 1]);
                maxY = Math.max(maxY, y[2 * i + 1]);
            }
            double h = Math.max(maxX - minX, maxY - minY) / 2 + 1e-5;
            newNode((minX + maxX) / 2, (minY + maxY) / 2, h);
            for (int i = 0; i < n; i++) insert(i);
        }

        private int newNode(double x, double yy, double h) {
            if (nodes == cx.length) grow();
            int k = nodes++;
            cx[k] = x;
            cy[k] = yy;
            half[k] = h;
            sx[k] = sy[k] = 0;
            count[k] = 0;
            firstChild[k] = -1;
            first[k] = -1;
            return k;
        }

        private void grow() {
            int c = cx.length * 2;
            cx = java.util.Arrays.copyOf(cx, c);
            cy = java.util.Arrays.copyOf(cy, c);
            half = java.util.Arrays.copyOf(half, c);
            sx = java.util.Arrays.copyOf(sx, c);
            sy = java.util.Arrays.copyOf(sy, c);
            count = java.util.Arrays.copyOf(count, c);
            firstChild = java.util.Arrays.copyOf(firstChild, c);
            first = java.util.Arrays.copyOf(first, c);
        }

        private int quadrant(int node, double px, double py) {
            return (px > cx[node] ? 1 : 0) + (py > cy[node] ? 2 : 0);
        }

        private void insert(int i) {
            double px = y[2 * i], py = y[2 * i + 1];
            int node = 0;
            for (int depth = 0; ; depth++) {
                count[node]++;
                sx[node] += px;
                sy[node] += py;
                if (firstChild[node] < 0) {
                    int held = first[node];
                    if (held < 0) {
                        first[node] = i;
                        next[i] = -1;
                        return;
                    }
                    if ((y[2 * held] == px && y[2 * held + 1] == py) || depth >= MAX_DEPTH) {
                        next[i] = first[node];
                        first[node] = i;
                        return;
                    }
                    // split: the points held (all at one place) move into the child where they lie
                    double h = half[node] / 2;
                    int c0 = newNode(cx[node] - h, cy[node] - h, h);
                    newNode(cx[node] + h, cy[node] - h, h);
                    newNode(cx[node] - h, cy[node] + h, h);
                    newNode(cx[node] + h, cy[node] + h, h);
                    firstChild[node] = c0;
                    int target = c0 + quadrant(node, y[2 * held], y[2 * held + 1]);
                    for (int q = held; q >= 0; q = next[q]) {
                        count[target]++;
                        sx[target] += y[2 * q];
                        sy[target] += y[2 * q + 1];
                    }
                    first[target] = held;
                    first[node] = -1;
                }
                node = firstChild[node] + quadrant(node, px, py);
            }
        }

        /** Repulsion on point i: acc[0], acc[1] = sum of w^2 (y_i - y_j), acc[2] = sum of w (its share of Z). */
        void repulsion(int i, double theta, int[] stack, double[] acc) {
            double px = y[2 * i], py = y[2 * i + 1];
            double f0 = 0, f1 = 0, z = 0;
            int top = 0;
            stack[top++] = 0;
            while (top > 0) {
                int node = stack[--top];
                if (count[node] == 0) continue;
                if (firstChild[node] < 0) {
                    for (int q = first[node]; q >= 0; q = next[q]) {
                        if (q == i) continue;
                        double d0 = px - y[2 * q], d1 = py - y[2 * q + 1];
                        double w = 1 / (1 + d0 * d0 + d1 * d1);
                        z += w;
                        f0 += w * w * d0;
                        f1 += w * w * d1;
                    }
                    continue;
                }
                double mx = sx[node] / count[node], my = sy[node] / count[node];
                double d0 = px - mx, d1 = py - my, dist2 = d0 * d0 + d1 * d1;
                double width = 2 * half[node];
                if (width * width < theta * theta * dist2) {
                    // far enough: the whole cell acts as count points at its centre of mass
                    double w = 1 / (1 + dist2);
                    z += count[node] * w;
                    f0 += count[node] * w * w * d0;
                    f1 += count[node] * w * w * d1;
                } else {
                    for (int c = 3; c >= 0; c--) stack[top++] = firstChild[node] + c;
                }
            }
            acc[0] = f0;
            acc[1] = f1;
            acc[2] = z;
        }
    }
}
