package io.pixelgrad.vis.dataset;

import io.pixelgrad.vis.ProgressListener;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * t-SNE checked piece by piece: the perplexity search hits its target, the written-out gradient is the derivative of
 * the KL divergence (central differences), Barnes-Hut with theta = 0 is the exact gradient and with theta = 0.5 close
 * to it; and whole runs: the cost falls once the exaggeration ends, neighbourhoods survive (trustworthiness), and the
 * same seed gives the same map bit for bit.
 */
class TsneTest {

    /** n points in d dimensions around `clusters` well separated centres. */
    static double[][] clusters(int n, int d, int clusters, long seed) {
        Random r = new Random(seed);
        double[][] centres = new double[clusters][d];
        for (double[] c : centres) for (int j = 0; j < d; j++) c[j] = 8 * r.nextGaussian();
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) x[i][j] = centres[i % clusters][j] + r.nextGaussian();
        return x;
    }

    static double[] randomMap(int n, long seed) {
        Random r = new Random(seed);
        double[] y = new double[2 * n];
        for (int i = 0; i < y.length; i++) y[i] = r.nextGaussian();
        return y;
    }

    @Test
    void perplexitySearchHitsItsTarget() {
        Random r = new Random(2);
        for (double perplexity : new double[]{5, 30, 50}) {
            double[] d2 = new double[200];
            for (int j = 0; j < d2.length; j++) d2[j] = 50 * r.nextDouble() * r.nextDouble();
            d2[17] = Double.NaN;   // the point itself
            double[] p = new double[d2.length];
            Tsne.conditional(d2, perplexity, p);
            double sum = 0, entropy = 0;
            for (double v : p) {
                sum += v;
                if (v > 0) entropy -= v * Math.log(v);
            }
            assertEquals(1, sum, 1e-12);
            assertEquals(0, p[17]);
            // |H - log(perplexity)| < 1e-5 nats, so the perplexity exp(H) is within 1e-5 relative
            assertEquals(perplexity, Math.exp(entropy), 1e-5 * perplexity, "perplexity");
        }
    }

    @Test
    void gradientIsTheDerivativeOfTheKlDivergence() {
        double[][] x = clusters(25, 5, 3, 1);
        Tsne.Similarities p = Tsne.exactP(x, 5);
        double[] y = randomMap(25, 3), grad = new double[50], scratch = new double[50];
        Tsne.exactGradient(p, y, 1, grad);
        double h = 1e-6, worst = 0, norm = 0;
        for (int i = 0; i < y.length; i++) {
            double keep = y[i];
            y[i] = keep + h;
            double up = Tsne.klDivergence(p, y, Tsne.exactGradient(p, y, 1, scratch));
            y[i] = keep - h;
            double down = Tsne.klDivergence(p, y, Tsne.exactGradient(p, y, 1, scratch));
            y[i] = keep;
            double numeric = (up - down) / (2 * h);
            worst = Math.max(worst, Math.abs(numeric - grad[i]));
            norm = Math.max(norm, Math.abs(grad[i]));
        }
        // measured 6e-9 relative to the largest component (O(h^2) truncation plus the rounding of the float32 P)
        assertTrue(worst < 1e-7 * norm, "gradient vs central differences: " + worst + " (largest component " + norm + ")");
    }

    /** The dense P of exact t-SNE in Barnes-Hut's sparse form (every pair), so both gradients see the same P. */
    static Tsne.Similarities sparse(Tsne.Similarities dense) {
        int n = dense.n;
        int[] start = new int[n + 1], cols = new int[n * (n - 1)];
        double[] values = new double[n * (n - 1)];
        int e = 0;
        for (int i = 0; i < n; i++) {
            start[i] = e;
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                cols[e] = j;
                values[e++] = dense.dense[i * n + j];
            }
        }
        start[n] = e;
        return new Tsne.Similarities(n, start, cols, values);
    }

    @Test
    void barnesHutIsExactAtThetaZeroAndCloseAtOneHalf() {
        int n = 400;
        double[][] x = clusters(n, 8, 4, 5);
        Tsne.Similarities p = Tsne.exactP(x, 20);
        double[] y = randomMap(n, 6);
        for (int i = 0; i < y.length; i++) y[i] *= 5;
        // duplicates: the quadtree must keep them in one leaf and count each other's repulsion
        y[2] = y[0];
        y[3] = y[1];
        double[] exact = new double[2 * n], bh0 = new double[2 * n], bh5 = new double[2 * n];
        double z = Tsne.exactGradient(p, y, 1, exact);
        double z0 = Tsne.barnesHutGradient(sparse(p), y, 1, 0, bh0);
        double z5 = Tsne.barnesHutGradient(sparse(p), y, 1, 0.5, bh5);
        assertEquals(z, z0, 1e-12 * z);
        double norm = 0, err0 = 0, err5 = 0;
        for (int i = 0; i < exact.length; i++) {
            norm += exact[i] * exact[i];
            err0 += (bh0[i] - exact[i]) * (bh0[i] - exact[i]);
            err5 += (bh5[i] - exact[i]) * (bh5[i] - exact[i]);
        }
        assertTrue(Math.sqrt(err0 / norm) < 1e-12, "theta 0: " + Math.sqrt(err0 / norm));
        // measured 2.3% relative L2 error and 0.8% in Z at theta 0.5 on this map
        assertTrue(Math.sqrt(err5 / norm) < 0.05, "theta 0.5: " + Math.sqrt(err5 / norm));
        assertEquals(z, z5, 0.02 * z);
    }

    @Test
    void exactAndBarnesHutRunsLowerTheCostAndKeepNeighbours() {
        double[][] x = clusters(600, 10, 6, 9);
        Tsne.Options base = Tsne.Options.defaults(4).withIterations(600);
        for (Tsne.Options o : new Tsne.Options[]{base, base.withExactBelow(0)}) {
            Tsne.Result r = Tsne.run(x, o, ProgressListener.NONE);
            assertEquals(o.exactBelow() > 600, r.exact());
            double[] kl = r.kl();
            int[] at = r.klIterations();
            assertEquals(600, at[at.length - 1]);
            // after the exaggeration (250 iterations) the true cost only falls
            for (int m = 1; m < kl.length; m++)
                if (at[m - 1] >= 300) assertTrue(kl[m] <= kl[m - 1] + 1e-9, "KL rose from " + kl[m - 1] + " to " + kl[m] + " at " + at[m]);
            assertTrue(kl[kl.length - 1] < 0.5 * kl[0], "KL " + kl[0] + " -> " + kl[kl.length - 1]);
            double t = Trustworthiness.of(x, r.y(), 5);
            assertTrue(t >= 0.9, (r.exact() ? "exact" : "Barnes-Hut") + " trustworthiness " + t);
        }
    }

    @Test
    void sameSeedSameMapBitForBit() {
        double[][] x = clusters(300, 6, 3, 10);
        for (Tsne.Options o : new Tsne.Options[]{Tsne.Options.defaults(7).withIterations(300),
            Tsne.Options.defaults(7).withIterations(300).withExactBelow(0)}) {
            double[][] a = Tsne.run(x, o, ProgressListener.NONE).y(), b = Tsne.run(x, o, ProgressListener.NONE).y();
            for (int i = 0; i < a.length; i++) assertArrayEquals(a[i], b[i], 0);
            double[][] c = Tsne.run(x, new Tsne.Options(30, 300, 0.5, o.exactBelow(), 12, 250, 0, 8, 50), ProgressListener.NONE).y();
            assertTrue(c[0][0] != a[0][0], "another seed, another map");
        }
    }

    @Test
    void tooFewPointsForThePerplexityIsAOneLineError() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Tsne.run(clusters(20, 3, 2, 1), Tsne.Options.defaults(0), ProgressListener.NONE));
        assertTrue(e.getMessage().startsWith("perplexity 30.0 needs more than 90 points; there are 20"), e.getMessage());
    }
}
