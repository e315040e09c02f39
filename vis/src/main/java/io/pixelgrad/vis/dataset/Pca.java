package io.pixelgrad.vis.dataset;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Principal component analysis of feature rows: the mean is subtracted and the components are the eigenvectors of
 * the covariance matrix with the largest eigenvalues (Commons Math's {@link EigenDecomposition} of the symmetric
 * matrix). With more dimensions than rows, the same components come from the smaller Gram matrix of the centred rows
 * (v = X^T u / sqrt(lambda)). Explained variance is the eigenvalue over N-1, as PyTorch and scikit-learn report it.
 *
 * <p>An eigenvector's sign is arbitrary; here each component is flipped so that its entry of largest magnitude (the
 * first such entry on ties) is positive, which makes the projection the same from run to run and machine to machine.
 */
public final class Pca {

    private final double[] mean;
    private final double[][] components;
    private final double[] variance;
    private final double totalVariance;

    private Pca(double[] mean, double[][] components, double[] variance, double totalVariance) {
        this.mean = mean;
        this.components = components;
        this.variance = variance;
        this.totalVariance = totalVariance;
    }

    /** Reads rows one at a time (a {@link FeatureStore}, an array). */
    public interface Rows {
        /** Number of rows. */
        int rows();

        /** Values per row. */
        int dim();

        /** Row i into dst. */
        void row(int i, double[] dst);

        /** Rows held in an array [N][D]. */
        static Rows of(double[][] x) {
            return new Rows() {
                public int rows() {
                    return x.length;
                }

                public int dim() {
                    return x.length == 0 ? 0 : x[0].length;
                }

                public void row(int i, double[] dst) {
                    System.arraycopy(x[i], 0, dst, 0, dst.length);
                }
            };
        }

        /** The rows of a feature store. */
        static Rows of(FeatureStore store) {
            return new Rows() {
                public int rows() {
                    return store.rows();
                }

                public int dim() {
                    return store.dim();
                }

                public void row(int i, double[] dst) {
                    store.row(i, dst, 0);
                }
            };
        }
    }

    /** The first {@code count} principal components of the rows (at least two rows). */
    public static Pca fit(Rows x, int count) {
        int n = x.rows(), d = x.dim();
        if (n < 2) throw new IllegalArgumentException("PCA needs at least two rows, not " + n);
        int k = Math.min(count, Math.min(n, d));
        if (k < 1) throw new IllegalArgumentException("PCA needs at least one component");
        double[] mean = new double[d], row = new double[d];
        for (int i = 0; i < n; i++) {
            x.row(i, row);
            for (int j = 0; j < d; j++) mean[j] += row[j];
        }
        for (int j = 0; j < d; j++) mean[j] /= n;
        double[][] components = new double[k][];
        double[] variance = new double[k];
        double total = 0;
        if (d <= n) {
            // Scatter matrix S = sum (x - mean)(x - mean)^T, upper triangle accumulated then mirrored.
            double[][] s = new double[d][d];
            for (int i = 0; i < n; i++) {
                x.row(i, row);
                for (int a = 0; a < d; a++) row[a] -= mean[a];
                for (int a = 0; a < d; a++) {
                    double ra = row[a];
                    if (ra == 0) continue;
                    double[] sa = s[a];
                    for (int b = a; b < d; b++) sa[b] += ra * row[b];
                }
            }
            for (int a = 0; a < d; a++) {
                total += s[a][a];
                for (int b = 0; b < a; b++) s[a][b] = s[b][a];
            }
            EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(s, false));
            int[] order = descending(e.getRealEigenvalues());
            for (int c = 0; c < k; c++) {
                components[c] = e.getEigenvector(order[c]).toArray();
                variance[c] = Math.max(0, e.getRealEigenvalue(order[c])) / (n - 1);
            }
        } else {
            // Fewer rows than dimensions: eigenvectors u of the Gram matrix G = Xc Xc^T give v = Xc^T u / sqrt(lambda).
            double[][] centred = new double[n][];
            for (int i = 0; i < n; i++) {
                centred[i] = new double[d];
                x.row(i, centred[i]);
                for (int j = 0; j < d; j++) centred[i][j] -= mean[j];
            }
            double[][] g = new double[n][n];
            for (int i = 0; i < n; i++)
                for (int j = i; j < n; j++) {
                    double dot = 0;
                    for (int a = 0; a < d; a++) dot += centred[i][a] * centred[j][a];
                    g[i][j] = g[j][i] = dot;
                }
            for (int i = 0; i < n; i++) total += g[i][i];
            RealMatrix gm = new Array2DRowRealMatrix(g, false);
            EigenDecomposition e = new EigenDecomposition(gm);
            int[] order = descending(e.getRealEigenvalues());
            for (int c = 0; c < k; c++) {
                double lambda = Math.max(0, e.getRealEigenvalue(order[c]));
                double[] u = e.getEigenvector(order[c]).toArray();
                double[] v = new double[d];
                for (int i = 0; i < n; i++) for (int a = 0; a < d; a++) v[a] += centred[i][a] * u[i];
                double norm = 0;
                for (double t : v) norm += t * t;
                norm = Math.sqrt(norm);
                for (int a = 0; a < d; a++) v[a] = norm > 0 ? v[a] / norm : 0;
                components[c] = v;
                variance[c] = lambda / (n - 1);
            }
        }
        for (double[] v : components) fixSign(v);
        return new Pca(mean, components, variance, total / (n - 1));
    }

    /** Indices of values sorted from largest to smallest (stable). */
    private static int[] descending(double[] values) {
        Integer[] idx = new Integer[values.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(values[b], values[a]));
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) out[i] = idx[i];
        return out;
    }

    private static void fixSign(double[] v) {
        int big = 0;
        for (int i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[big])) big = i;
        if (v[big] < 0) for (int i = 0; i < v.length; i++) v[i] = -v[i];
    }

    /** The mean row. */
    public double[] mean() {
        return mean.clone();
    }

    /** Component c (unit length, in the rows' space). */
    public double[] component(int c) {
        return components[c].clone();
    }

    /** Number of components. */
    public int count() {
        return components.length;
    }

    /** The variance along each component (eigenvalue / (N - 1)). */
    public double[] explainedVariance() {
        return variance.clone();
    }

    /** Each component's share of the total variance. */
    public double[] explainedVarianceRatio() {
        double[] r = new double[variance.length];
        for (int c = 0; c < r.length; c++) r[c] = totalVariance > 0 ? variance[c] / totalVariance : 0;
        return r;
    }

    /** A row's coordinates on the components: (x - mean) . v_c. */
    public double[] project(double[] row) {
        double[] out = new double[components.length];
        for (int c = 0; c < out.length; c++) {
            double s = 0;
            for (int j = 0; j < row.length; j++) s += (row[j] - mean[j]) * components[c][j];
            out[c] = s;
        }
        return out;
    }

    /** Every row's coordinates [N][count]. */
    public double[][] transform(Rows x) {
        double[][] out = new double[x.rows()][];
        double[] row = new double[x.dim()];
        for (int i = 0; i < out.length; i++) {
            x.row(i, row);
            out[i] = project(row);
        }
        return out;
    }
}
