package io.pixelgrad.explorer;

import com.fasterxml.jackson.databind.JsonNode;
import io.pixelgrad.zoo.load.ModelLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every view on the other architectures the explorer may be given: the original Caffe AlexNet (227x227 input, Caffe
 * normalization, grouped convolutions, LRN), VGG with batch norm, and a float64 run.
 */
class ModelsTest {

    @ParameterizedTest
    @CsvSource({"models/caffe_alexnet16_zoo.onnx, float32, 227", "models/vgg11_bn16.pth, float32, 224",
            "models/alexnet16.safetensors, float64, 224"})
    void everyViewWorks(String weights, String dtype, int side) throws Exception {
        Path file = Servers.ZOO.resolve(weights);
        DataType type = dtype.equals("float64") ? DataType.DOUBLE : DataType.FLOAT;
        try (ExplorerServer server = Servers.start(new WeightsModelSource(ModelLoader.load("auto", file, type), file))) {
            Http http = new Http(server);
            JsonNode model = http.ok("/api/model");
            assertEquals(dtype, model.get("dtype").asText());
            assertEquals(side, model.get("input").get(1).asInt());
            JsonNode layers = http.ok("/api/overview?image=sample-coffee").get("layers");
            List<String> names = new ArrayList<>();
            layers.forEach(l -> names.add(l.get("name").asText()));
            assertEquals(model.get("layers").size(), names.size());
            assertTrue(names.stream().noneMatch(n -> n.equals("classifier.0") && weights.contains("alexnet16.")), "Dropout is not a layer");
            String last = names.get(names.size() - 1);
            assertEquals(10, layers.get(layers.size() - 1).get("shape").get(0).asInt(), last + " gives the 10 logits");
            for (String m : new String[]{"saliency", "guided", "gradcam", "guided-gradcam"}) {
                JsonNode a = http.ok("/api/attribution?image=sample-coffee&method=" + m + "&class=3");
                assertEquals(3, a.get("class").asInt());
                assertEquals(side, ExplorerReferenceTest.png(a.get("images").get("overlay").asText()).getWidth());
            }
            JsonNode unit = http.ok("/api/unit?image=sample-coffee&layer=" + names.get(1) + "&unit=0");
            assertTrue(unit.has("projections"));
            JsonNode conv = http.ok("/api/unit?image=sample-coffee&layer=features.0&unit=1");
            assertTrue(conv.get("filter").get("colour").asBoolean(), "the first layer's filters are drawn in colour");
            JsonNode trace = http.ok("/api/trace?image=sample-coffee&class=3");
            assertEquals(3, trace.get("class").asInt());
        }
    }
}
