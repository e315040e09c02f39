package io.pixelgrad.explorer;

import com.fasterxml.jackson.databind.JsonNode;
import io.pixelgrad.zoo.images.Images;
import io.pixelgrad.zoo.models.BuiltinModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The explorer on the built-in Fashion-MNIST model (what {@code pixelgrad serve} shows without --weights): 28x28 grey
 * input normalized as the data set's card says, its class names, its bundled test images as the samples, uploads
 * prepared the same way, and every view working on a one-channel input.
 */
class BuiltinModelTest {

    private static BuiltinModelSource source;
    private static ExplorerServer server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        source = BuiltinModelSource.load(BuiltinModels.DEFAULT, DataType.FLOAT);
        server = Servers.start(source);
        http = new Http(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void modelSamplesAndClassNamesAreTheBuiltInOnes() throws Exception {
        JsonNode model = http.ok("/api/model");
        assertEquals("smallvgg", model.get("architecture").asText());
        assertTrue(model.get("label").asText().contains("built-in fashion-mnist"), model.toString());
        assertEquals("[1,28,28]", model.get("input").toString());
        List<String> ids = new ArrayList<>();
        model.get("samples").forEach(s -> ids.add(s.get("id").asText()));
        List<String> expected = new ArrayList<>();
        for (String s : BuiltinModels.samples("fashion-mnist")) expected.add("sample-" + s);
        assertEquals(expected, ids, "the bundled test images, in their order");
        // Fashion-MNIST's class names, as the data set publishes them
        JsonNode scores = http.ok("/api/scores?image=sample-ankle-boot&top=10");
        List<String> names = new ArrayList<>();
        for (JsonNode s : scores.get("scores")) names.add(s.get("index").asInt() + ":" + s.get("name").asText());
        names.sort(null);
        assertEquals(List.of("0:T-shirt/top", "1:Trouser", "2:Pullover", "3:Dress", "4:Coat", "5:Sandal", "6:Shirt",
                "7:Sneaker", "8:Bag", "9:Ankle boot"), names);
        assertEquals(9, scores.get("top").asInt(), "the trained model calls the ankle boot an ankle boot: " + scores);
        assertEquals(1, http.ok("/api/scores?image=sample-trouser").get("top").asInt());
    }

    @Test
    void theInputIsTheGreyPictureNormalizedLikeTorchvision() throws Exception {
        for (String sample : List.of("ankle-boot", "bag")) {
            byte[] png = BuiltinModels.class.getResourceAsStream("/io/pixelgrad/zoo/builtin/fashion-mnist/samples/" + sample + ".png").readAllBytes();
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(28, img.getWidth());
            PreparedImage p = source.pipeline().prepare("x", "x", Images.toRgb(img));
            assertArrayEquals(new long[]{1, 1, 28, 28}, p.shape());
            // torchvision: ToTensor (v / 255 in float32), Normalize((0.2860,), (0.3530,)) in float32; exact
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++) {
                    int v = img.getRaster().getSample(x, y, 0);
                    float expected = ((float) v / 255f - 0.2860f) / 0.3530f;
                    assertEquals(expected, (float) p.input()[y * 28 + x], 0f, sample + " at " + x + "," + y);
                    assertEquals(v * 0x010101, p.picture().getRGB(x, y) & 0xffffff, "the picture shown is the grey input");
                }
        }
    }

    @Test
    void uploadsArePreparedTheSameWay() throws Exception {
        byte[] png = BuiltinModels.class.getResourceAsStream("/io/pixelgrad/zoo/builtin/fashion-mnist/samples/sneaker.png").readAllBytes();
        JsonNode up = http.post("/api/images?name=sneaker", png, "image/png").json().get("image");
        assertEquals(1, up.get("channels").asInt());
        assertEquals(28, up.get("height").asInt());
        JsonNode fromUpload = http.ok("/api/scores?image=" + up.get("id").asText());
        JsonNode fromSample = http.ok("/api/scores?image=sample-sneaker");
        assertEquals(fromSample.get("scores").toString(), fromUpload.get("scores").toString());
        // a colour photograph is made grey and 28x28 like --image does for the built-in model
        BufferedImage colour = new BufferedImage(56, 84, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 84; y++)
            for (int x = 0; x < 56; x++) colour.setRGB(x, y, (x * 4) << 16 | (y * 3) << 8 | 200);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(colour, "png", bytes);
        JsonNode photo = http.post("/api/images?name=photo", bytes.toByteArray(), "image/png").json().get("image");
        assertEquals(1, photo.get("channels").asInt());
        assertEquals(28, photo.get("width").asInt());
        assertEquals(28, photo.get("height").asInt());
    }

    @Test
    void everyViewWorksOnTheGreyInput() throws Exception {
        JsonNode model = http.ok("/api/model");
        for (JsonNode m : model.get("methods")) {
            if (m.get("slow").asBoolean()) continue;
            JsonNode a = http.ok("/api/attribution?image=sample-coat&method=" + m.get("name").asText() + "&class=4");
            assertEquals(4, a.get("class").asInt());
            assertEquals("Coat", a.get("className").asText());
            for (var it = a.get("images").fields(); it.hasNext(); ) {
                var e = it.next();
                BufferedImage img = ExplorerReferenceTest.png(e.getValue().asText());
                assertTrue(img.getWidth() >= 28, m.get("name").asText() + " " + e.getKey());
            }
        }
        JsonNode unit = http.ok("/api/unit?image=sample-coat&layer=features.0&unit=2");
        assertTrue(unit.has("projections"));
        assertTrue(unit.get("synthesis").isBoolean());
        assertEquals("Coat", http.ok("/api/trace?image=sample-coat&class=4").get("className").asText());
    }

    @Test
    void theGradientPictureOfAGreyInputIsGrey() throws Exception {
        PreparedImage img = source.pipeline().prepare("x", "x", Images.toRgb(ImageIO.read(
                BuiltinModels.class.getResourceAsStream("/io/pixelgrad/zoo/builtin/fashion-mnist/samples/pullover.png"))));
        org.nd4j.linalg.api.ndarray.INDArray x = img.array(DataType.FLOAT);
        io.pixelgrad.vis.Attribution a;
        try {
            a = new io.pixelgrad.vis.Saliency(source.model()).attribute(x, io.pixelgrad.vis.Target.classIndex(2));
        } finally {
            io.pixelgrad.engine.Arrays.release(x);
        }
        assertArrayEquals(new int[]{1, 28, 28}, a.shape());
        BufferedImage g = a.gradientImage();   // vis's renderer on one channel: no index beyond the plane
        assertEquals(28, g.getWidth());
        double[] raw = a.raw();
        // the 99th percentile of |g| by nearest rank: the ceil(0.99 n)-th smallest magnitude
        double[] mag = new double[raw.length];
        for (int i = 0; i < raw.length; i++) mag[i] = Math.abs((float) raw[i]);
        java.util.Arrays.sort(mag);
        float top = (float) mag[(int) Math.ceil(0.99 * mag.length) - 1];
        assertTrue(top > 0, "the class score has a gradient");
        int worst = 0;
        for (int i = 0; i < 28 * 28; i++) {
            int expected = (int) Math.round(255 * (0.5 + 0.5 * Math.max(-1, Math.min(1, (float) raw[i] / top))));
            int rgb = g.getRGB(i % 28, i / 28);
            assertEquals(rgb >> 16 & 255, rgb & 255, "grey");
            assertEquals(rgb >> 8 & 255, rgb & 255, "grey");
            worst = Math.max(worst, Math.abs((rgb & 255) - expected));
        }
        assertEquals(0, worst, "mid-grey at zero, white/black at +-top");
        // the page draws the same picture
        assertEquals(Pictures.dataUrl(g), Pictures.dataUrl(Pictures.gradient(a)));
    }
}
