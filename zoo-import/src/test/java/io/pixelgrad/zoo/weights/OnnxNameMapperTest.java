package io.pixelgrad.zoo.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** ONNX model zoo names land on torchvision's state_dict keys. */
class OnnxNameMapperTest {

    @Test
    void caffeAlexNetNamesMapToTorchvisionLayers() throws Exception {
        StateDict sd = OnnxNameMapper.readMapped(Fixtures.path("zoo_caffe_alexnet_names.onnx"));
        // pixelgrad's caffe_alexnet layout (Architectures.caffeAlexnet), not torchvision's AlexNet.
        assertEquals(List.of("features.0.weight", "features.0.bias", "features.4.weight", "features.4.bias",
                "features.8.weight", "features.8.bias", "features.10.weight", "features.10.bias", "features.12.weight",
                "features.12.bias", "classifier.0.weight", "classifier.0.bias", "classifier.3.weight",
                "classifier.3.bias", "classifier.6.weight", "classifier.6.bias"), List.copyOf(sd.keys()));
    }

    @Test
    void gluonVgg16NamesMapToTorchvisionLayers() throws Exception {
        StateDict sd = OnnxNameMapper.readMapped(Fixtures.path("zoo_gluon_vgg16_names.onnx"));
        int[] torchvisionConvs = {0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28};
        for (int k = 0; k < torchvisionConvs.length; k++) {
            // The fixture stores k in vgg0_convK_weight, so the value proves which ONNX tensor landed where.
            assertEquals(k, sd.require("features." + torchvisionConvs[k] + ".weight").toFloatArray()[0]);
            assertEquals(k, sd.require("features." + torchvisionConvs[k] + ".bias").toFloatArray()[0]);
        }
        assertEquals(100f, sd.require("classifier.0.weight").toFloatArray()[0]);
        assertEquals(101f, sd.require("classifier.3.bias").toFloatArray()[0]);
        assertEquals(102f, sd.require("classifier.6.weight").toFloatArray()[0]);
        assertEquals(32, sd.size());
    }

    @Test
    void gluonBatchNormVggUsesTorchvisionBnIndices() {
        OnnxNameMapper m = OnnxNameMapper.forNames(List.of("vgg0_conv0_weight", "vgg0_batchnorm0_gamma",
                "vgg0_batchnorm0_running_var", "vgg0_conv1_weight", "vgg0_conv2_weight", "vgg0_conv3_weight",
                "vgg0_conv4_weight", "vgg0_conv5_weight", "vgg0_conv6_weight", "vgg0_conv7_weight",
                "vgg0_batchnorm7_beta", "vgg0_dense2_bias"));
        assertEquals("gluon-vgg-bn", m.naming());
        assertEquals("features.0.weight", m.map("vgg0_conv0_weight"));
        assertEquals("features.1.weight", m.map("vgg0_batchnorm0_gamma"));
        assertEquals("features.1.running_var", m.map("vgg0_batchnorm0_running_var"));
        // VGG11-bn: the 8th conv sits at index 25 in torchvision's features, its BN at 26.
        assertEquals("features.25.weight", m.map("vgg0_conv7_weight"));
        assertEquals("features.26.bias", m.map("vgg0_batchnorm7_beta"));
        assertEquals("classifier.6.bias", m.map("vgg0_dense2_bias"));
    }

    @Test
    void torchvisionNamesAreKept() {
        OnnxNameMapper m = OnnxNameMapper.forNames(List.of("features.0.weight", "classifier.6.bias"));
        assertEquals("torchvision", m.naming());
        assertEquals("features.0.weight", m.map("features.0.weight"));
    }
}
