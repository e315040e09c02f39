package io.pixelgrad.vis.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.engine.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PCA and trustworthiness against make_dataset_reference.py: PyTorch's SVD of the centred rows (float64) for the
 * components, variances and projections (both paths: covariance when rows outnumber dimensions, Gram matrix
 * otherwise), torch.pca_lowrank's variances as a second algorithm, and a NumPy trustworthiness.
 */
class PcaReferenceTest {

    static final Path DIR = Path.of("src/test/resources/dataset-reference");
    /**
     * Measured worst differences (Commons Math's eigen decomposition against torch's SVD): components 1.8e-15,
     * projections 1.4e-14 (relative to the first component's standard deviation), variances 6e-16 relative (also
     * against pca_lowrank); 1e-12 leaves room for another JVM's rounding.
     */
    static final double TOL = 1e-12;

    static double[][] matrix(String name) throws Exception {
        INDArray a = Npy.read(DIR.resolve(name)).castTo(DataType.DOUBLE);
        long[] s = a.shape();
        int rows = (int) s[0], cols = s.length == 1 ? 1 : (int) s[1];
        double[] v = a.dup('c').data().asDouble();
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) System.arraycopy(v, i * cols, out[i], 0, cols);
        return out;
    }

    static double[] vector(String name) throws Exception {
        return Npy.read(DIR.resolve(name)).castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tall", "wide"})
    void matchesTorchSvd(String name) throws Exception {
        double[][] x = matrix("pca_" + name + "_x.npy");
        double[][] comps = matrix("pca_" + name + "_components.npy");
        double[] variance = vector("pca_" + name + "_variance.npy");
        double[] ratio = vector("pca_" + name + "_ratio.npy");
        double[][] projection = matrix("pca_" + name + "_projection.npy");
        double[] lowrank = vector("pca_" + name + "_lowrank_variance.npy");
        int k = comps.length;
        Pca pca = Pca.fit(Pca.Rows.of(x), k);
        assertEquals(k, pca.count());
        double worst = 0;
        for (int c = 0; c < k; c++) {
            double[] v = pca.component(c);
            for (int j = 0; j < v.length; j++) worst = Math.max(worst, Math.abs(v[j] - comps[c][j]));
            assertEquals(variance[c], pca.explainedVariance()[c], TOL * variance[0], "variance " + c);
            assertEquals(ratio[c], pca.explainedVarianceRatio()[c], TOL, "ratio " + c);
            assertEquals(lowrank[c], pca.explainedVariance()[c], TOL * variance[0], "pca_lowrank variance " + c);
        }
        assertEquals(0, worst, TOL, "components");
        double[][] y = pca.transform(Pca.Rows.of(x));
        for (int i = 0; i < x.length; i++)
            for (int c = 0; c < k; c++) assertEquals(projection[i][c], y[i][c], TOL * Math.sqrt(variance[0]), "row " + i + " component " + c);
    }

    @Test
    void streamsRowsFromAFeatureStoreTheSame() throws Exception {
        double[][] x = matrix("pca_tall_x.npy");
        Pca direct = Pca.fit(Pca.Rows.of(x), 3);
        try (FeatureStore s = new FeatureStore(x[0].length, true, 1000)) {
            for (double[] row : x) s.append(row, 0);
            Pca streamed = Pca.fit(Pca.Rows.of(s), 3);
            for (int c = 0; c < 3; c++)
                for (int j = 0; j < x[0].length; j++)
                    assertEquals(Double.doubleToLongBits(direct.component(c)[j]), Double.doubleToLongBits(streamed.component(c)[j]));
        }
    }

    @Test
    void trustworthinessMatchesNumpy() throws Exception {
        double[][] x = matrix("trust_x.npy"), y = matrix("trust_y.npy");
        JsonNode expected = new ObjectMapper().readTree(Files.readString(DIR.resolve("trust.json")));
        for (int k : new int[]{1, 5, 10})
            assertEquals(expected.get(Integer.toString(k)).asDouble(), Trustworthiness.of(x, y, k), 1e-12, "k = " + k);
        assertEquals(1.0, Trustworthiness.of(x, x, 5), 0, "a map that is the input keeps every neighbour");
    }
}
