package io.pixelgrad.explorer;

import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Linear;
import io.pixelgrad.autograd.nn.MaxPool2d;
import io.pixelgrad.autograd.nn.ReLU;
import io.pixelgrad.autograd.nn.Sequential;
import io.pixelgrad.engine.Npy;
import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The models the explorer tests serve: the zoo-import fixture AlexNet/16 and a LeNet-style grey 28x28 network. */
final class Servers {

    static final Path ZOO = Path.of(System.getProperty("pixelgrad.fixtures", "../zoo-import/src/test/resources"));
    static final Path ALEXNET16 = ZOO.resolve("models/alexnet16.pth");
    static final Path REFERENCE = Path.of("src/test/resources/explorer-reference");

    private Servers() {
    }

    /** AlexNet/16 from zoo-import's fixture (10 classes, random weights made by PyTorch). */
    static ModelSource alexnet16() throws Exception {
        return new WeightsModelSource(ModelLoader.load("auto", ALEXNET16), ALEXNET16);
    }

    /** The grey network of make_explorer_reference.py with PyTorch's weights, Fashion-MNIST's normalization, 28x28. */
    static ModelSource grey() throws Exception {
        Classifier net = new Classifier("lenet-grey",
                new Sequential(new Conv2d(1, 6, 5, 1, 2), new ReLU(), new MaxPool2d(2, 2), new Conv2d(6, 16, 5, 1, 0), new ReLU(),
                        new MaxPool2d(2, 2)),
                null, new Sequential(new Linear(16 * 5 * 5, 32), new ReLU(), new Linear(32, 10)));
        Map<String, INDArray> state = new HashMap<>();
        for (String k : net.stateShapes().keySet()) state.put(k, Npy.read(REFERENCE.resolve("grey").resolve(k + ".npy")));
        net.loadStateDict(state);
        ImagePipeline pipeline = ImagePipeline.grey(28, 0.2860f, 0.3530f);
        return new ModelSource() {
            @Override
            public Classifier model() {
                return net;
            }

            @Override
            public String id() {
                return "lenet-grey";
            }

            @Override
            public String label() {
                return "a LeNet-style grey network (test)";
            }

            @Override
            public ImagePipeline pipeline() {
                return pipeline;
            }

            @Override
            public List<Sample> samples() {
                return WeightsModelSource.PHOTOS;
            }

            @Override
            public String className(int index) {
                return "class " + index;
            }
        };
    }

    /** A server on a free loopback port. */
    static ExplorerServer start(ModelSource source, ExplorerConfig config) throws Exception {
        return ExplorerServer.builder(source).config(config.at("127.0.0.1", 0)).start();
    }

    /** A server with default limits on a free loopback port. */
    static ExplorerServer start(ModelSource source) throws Exception {
        return start(source, ExplorerConfig.defaults());
    }
}
