package io.pixelgrad.vis.dataset;

import io.pixelgrad.engine.Parallel;

/**
 * How well a map keeps neighbourhoods (Venna and Kaski, 2001; scikit-learn's {@code trustworthiness}):
 * T(k) = 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in U_k(i)} (r(i, j) - k), where U_k(i) are the points among i's k
 * nearest in the map that are not among its k nearest in the input, and r(i, j) is j's rank among i's neighbours in
 * the input (1 = nearest). 1 means every map neighbour is a true neighbour; random maps score about 0.5.
 */
public final class Trustworthiness {

    private Trustworthiness() {
    }

    /** T(k) of the map y (rows: map coordinates) of the points x (rows: input coordinates); O(n^2 log n). */
    public static double of(double[][] x, double[][] y, int k) {
        int n = x.length;
        if (y.length != n) throw new IllegalArgumentException(n + " points but " + y.length + " map positions");
        if (k < 1 || k >= n / 2.0) throw new IllegalArgumentException("k must be at least 1 and below n/2, not " + k);
        double[] penalty = new double[n];
        Parallel.forEach(n, i -> {
            int[] inputRank = new int[n];
            Integer[] byInput = sortedByDistance(x, i);
            for (int r = 0; r < byInput.length; r++) inputRank[byInput[r]] = r + 1;
            Integer[] byMap = sortedByDistance(y, i);
            double s = 0;
            for (int m = 0; m < k; m++) {
                int j = byMap[m];
                if (inputRank[j] > k) s += inputRank[j] - k;
            }
            penalty[i] = s;
        });
        double sum = 0;
        for (double p : penalty) sum += p;
        return 1 - 2.0 / (n * (double) k * (2.0 * n - 3.0 * k - 1.0)) * sum;
    }

    /** Every other point by squared distance to point i, nearest first (ties: smaller index). */
    private static Integer[] sortedByDistance(double[][] x, int i) {
        int n = x.length;
        double[] d = new double[n];
        Integer[] order = new Integer[n - 1];
        for (int j = 0, m = 0; j < n; j++) {
            if (j == i) continue;
            d[j] = Tsne.squaredDistance(x[i], x[j]);
            order[m++] = j;
        }
        java.util.Arrays.sort(order, (a, b) -> d[a] != d[b] ? Double.compare(d[a], d[b]) : Integer.compare(a, b));
        return order;
    }
}
