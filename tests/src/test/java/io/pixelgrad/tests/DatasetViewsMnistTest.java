package io.pixelgrad.tests;

import io.pixelgrad.vis.ProgressListener;
import io.pixelgrad.vis.dataset.DatasetPass;
import io.pixelgrad.vis.dataset.FeatureStore;
import io.pixelgrad.vis.dataset.Pca;
import io.pixelgrad.vis.dataset.Trustworthiness;
import io.pixelgrad.vis.dataset.Tsne;
import io.pixelgrad.zoo.data.Augmentation;
import io.pixelgrad.zoo.data.Batches;
import io.pixelgrad.zoo.data.Dataset;
import io.pixelgrad.zoo.data.DatasetKind;
import io.pixelgrad.zoo.images.Normalization;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.BuiltinModels;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.train.Trainer;
import io.pixelgrad.zoo.train.TrainingOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * t-SNE of MNIST test images' penultimate features through a trained LeNet: the KL divergence falls once the early
 * exaggeration ends, and the map keeps neighbourhoods (trustworthiness at k = 5 at least 0.9), for exact t-SNE and
 * for Barnes-Hut. The model is the built-in MNIST model when the jar ships it, otherwise a LeNet trained here for one
 * seeded epoch on 12,000 training images.
 */
class DatasetViewsMnistTest {

    static final int IMAGES = 2000;
    static Classifier model;
    static Normalization normalization;
    static double[][] features;

    @BeforeAll
    static void featuresOfTheTrainedModel() throws Exception {
        Dataset test = DatasetKind.MNIST.load(TestData.mnist(), false, 1, 28, w -> { }).first(IMAGES);
        if (BuiltinModels.class.getResource("/io/pixelgrad/zoo/builtin/mnist/model.safetensors") != null) {
            model = BuiltinModels.load("mnist");
            normalization = BuiltinModels.card("mnist").normalization();
        } else {
            Dataset train = DatasetKind.MNIST.load(TestData.mnist(), true, 1, 28, w -> { }).first(12_000);
            model = Architectures.create("lenet", 10, 1, 1, 28);
            Trainer.initialize(model, 1);
            normalization = DatasetKind.MNIST.normalization();
            TrainingOptions o = new TrainingOptions("lenet", 1, 64, "adam", 1e-3, 0.9, 0, "constant", Augmentation.NONE, 1, DataType.FLOAT);
            try (Trainer t = new Trainer(model, train, test.first(500), normalization, o)) {
                t.epoch(0, (step, steps, loss, acc) -> { });
            }
        }
        String layer = DatasetPass.penultimate(model);
        try (FeatureStore store = new FeatureStore(500, false, FeatureStore.DEFAULT_MEMORY_LIMIT)) {
            DatasetPass.of(model, Batches.of(test, normalization).batchSize(250).build())
                    .features((i, row) -> store.append(row, 0)).build().run();
            features = new double[store.rows()][];
            for (int i = 0; i < features.length; i++) features[i] = store.row(i);
        }
        assertTrue(layer.startsWith("classifier."), layer);
    }

    static void check(Tsne.Options o, boolean exact) {
        // t-SNE's input: the first 50 principal components, as `pixelgrad map` does
        Pca pca = Pca.fit(Pca.Rows.of(features), 50);
        Tsne.Result r = Tsne.run(pca.transform(Pca.Rows.of(features)), o, ProgressListener.NONE);
        assertTrue(r.exact() == exact);
        double[] kl = r.kl();
        int[] at = r.klIterations();
        for (int m = 1; m < kl.length; m++)
            if (at[m - 1] >= 300) assertTrue(kl[m] <= kl[m - 1] + 1e-9, "KL rose from " + kl[m - 1] + " to " + kl[m] + " at " + at[m]);
        int afterExaggeration = java.util.Arrays.binarySearch(at, 300);
        assertTrue(kl[kl.length - 1] < kl[afterExaggeration], "KL fell after the exaggeration");
        double t = Trustworthiness.of(features, r.y(), 5);
        System.out.printf("MNIST %d images, %s t-SNE: KL %.4f -> %.4f, trustworthiness(5) %.4f%n", IMAGES, exact ? "exact" : "Barnes-Hut",
                kl[afterExaggeration], kl[kl.length - 1], t);
        assertTrue(t >= 0.9, "trustworthiness " + t);
    }

    @Test
    void exactTsneKeepsNeighbours() {
        check(Tsne.Options.defaults(0), true);
    }

    @Test
    void barnesHutTsneKeepsNeighbours() {
        check(Tsne.Options.defaults(0).withExactBelow(0), false);
    }
}
