package io.pixelgrad.explorer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.engine.Npy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the explorer serves against PyTorch (make_explorer_reference.py): the overview's thumbnails of every layer and
 * the class scores for AlexNet/16 on the bundled photograph, and for a grey 28x28 network also the input pipeline's
 * result (through the logits) and the saliency gradient (the .npy download).
 */
class ExplorerReferenceTest {

    static final Path REF = Servers.REFERENCE;
    static ExplorerServer alexnet, grey;

    @BeforeAll
    static void start() throws Exception {
        alexnet = Servers.start(Servers.alexnet16());
        grey = Servers.start(Servers.grey());
    }

    @AfterAll
    static void stop() {
        alexnet.close();
        grey.close();
    }

    /**
     * Every layer in PyTorch's order, every thumbnail value within the 8-bit code's half step of PyTorch's block mean:
     * s/510 for layers without negative values, s/255 for signed ones (s the channel's scale), plus 1e-5 s for the
     * float32 difference of the two forward passes (measured: every value inside the half step on both networks; logits
     * within 8.5e-7 of the largest on AlexNet/16 and 1.0e-7 on the grey net, tolerance 1e-5).
     */
    static void assertOverview(ExplorerServer server, String reference) throws Exception {
        JsonNode manifest = new ObjectMapper().readTree(REF.resolve("manifest.json").toFile()).get(reference);
        JsonNode ov = new Http(server).ok("/api/overview?image=sample-chelsea");
        JsonNode layers = ov.get("layers");
        assertEquals(manifest.get("layers").size(), layers.size(), "layer count");
        double worst = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            String name = manifest.get("layers").get(i).get("name").asText();
            assertEquals(name, l.get("name").asText(), "layer " + i);
            double[] ref = values(Npy.read(REF.resolve(reference).resolve(name + ".npy")));
            byte[] q = Base64.getDecoder().decode(l.get("data").asText());
            assertEquals(ref.length, q.length, name + " thumbnail size");
            boolean signed = l.get("signed").asBoolean();
            boolean maps = l.get("kind").asText().equals("maps");
            int channels = l.get("shape").get(0).asInt(), plane = maps ? q.length / channels : q.length;
            for (int c = 0; c < (maps ? channels : 1); c++) {
                double s = l.get("scales").get(c).asDouble(), refMax = 0;
                for (int k = 0; k < plane; k++) refMax = Math.max(refMax, Math.abs(ref[c * plane + k]));
                assertEquals(refMax, s, 1e-5 * refMax + 1e-30, name + " channel " + c + " scale");
                for (int k = 0; k < plane; k++) {
                    int code = q[c * plane + k] & 0xff;
                    double v = signed ? (code / 127.5 - 1) * s : code / 255.0 * s;
                    double err = Math.abs(v - ref[c * plane + k]) - (signed ? s / 255 : s / 510);
                    if (s > 0) worst = Math.max(worst, err / s);
                }
            }
        }
        System.out.printf("explorer reference: %s thumbnails, worst error minus the 8-bit half step %.2e of the channel's scale%n", reference, worst);
        assertTrue(worst <= 1e-5, "thumbnail error beyond the 8-bit step: " + worst + " of the channel's scale");
        double[] logits = values(Npy.read(REF.resolve(reference).resolve("logits.npy")));
        JsonNode scores = new Http(server).ok("/api/scores?image=sample-chelsea&top=100");
        assertEquals(logits.length, scores.get("classes").asInt());
        double scale = 0;
        for (double l : logits) scale = Math.max(scale, Math.abs(l));
        double worstLogit = 0;
        for (JsonNode s : scores.get("scores"))
            worstLogit = Math.max(worstLogit, Math.abs(logits[s.get("index").asInt()] - s.get("logit").asDouble()) / scale);
        System.out.printf("explorer reference: %s logits, worst error %.2e of the largest%n", reference, worstLogit);
        for (JsonNode s : scores.get("scores"))
            assertEquals(logits[s.get("index").asInt()], s.get("logit").asDouble(), 1e-5 * scale, "logit " + s.get("index"));
        for (int i = 1; i < scores.get("scores").size(); i++)
            assertTrue(scores.get("scores").get(i - 1).get("logit").asDouble() >= scores.get("scores").get(i).get("logit").asDouble());
    }

    static double[] values(INDArray a) {
        return a.dup('c').castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
    }

    @Test
    void alexnetOverviewAndScoresMatchPyTorch() throws Exception {
        assertOverview(alexnet, "alexnet16");
        JsonNode model = new Http(alexnet).ok("/api/model");
        assertArrayEquals(new int[]{3, 224, 224}, new int[]{model.get("input").get(0).asInt(), model.get("input").get(1).asInt(),
                model.get("input").get(2).asInt()});
    }

    @Test
    void greyNetworkOverviewScoresAndSaliencyMatchPyTorch() throws Exception {
        assertOverview(grey, "grey");
        JsonNode model = new Http(grey).ok("/api/model");
        assertEquals(1, model.get("input").get(0).asInt());
        assertEquals(28, model.get("input").get(1).asInt());
        int top = new ObjectMapper().readTree(REF.resolve("manifest.json").toFile()).get("grey").get("top").asInt();
        assertEquals(top, new Http(grey).ok("/api/scores?image=sample-chelsea").get("top").asInt());
        Http.Answer npy = new Http(grey).get("/api/attribution.npy?image=sample-chelsea&method=saliency&class=" + top);
        assertEquals(200, npy.status(), npy.text());
        Path tmp = java.nio.file.Files.createTempFile("saliency", ".npy");
        java.nio.file.Files.write(tmp, npy.body());
        INDArray got = Npy.read(tmp);
        java.nio.file.Files.delete(tmp);
        assertArrayEquals(new long[]{1, 28, 28}, got.shape());
        double[] g = values(got), ref = values(Npy.read(REF.resolve("grey/saliency.npy")));
        double diff = 0, scale = 0;
        for (int i = 0; i < ref.length; i++) {
            diff = Math.max(diff, Math.abs(g[i] - ref[i]));
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        // measured: equal to PyTorch's float32 gradient to the last bit on this small network; tolerance 1e-5
        System.out.printf("explorer reference: grey saliency, worst error %.2e of the largest value%n", diff / scale);
        assertTrue(diff <= 1e-5 * scale, "saliency differs from PyTorch by " + diff / scale + " of its largest value");
    }

    /** Every view works on a one-channel network: the unit view, a gradient method, Grad-CAM, the trace. */
    @Test
    void greyNetworkServesEveryView() throws Exception {
        Http http = new Http(grey);
        JsonNode unit = http.ok("/api/unit?image=sample-chelsea&layer=features.3&unit=2");
        assertTrue(unit.get("activation").asText().startsWith("data:image/png;base64,"));
        assertTrue(unit.get("filter").get("shown").asInt() == 6 && !unit.get("filter").get("colour").asBoolean());
        assertTrue(unit.get("projections").has("deconv") && unit.get("projections").has("guided"));
        for (String m : new String[]{"saliency", "guided", "deconv", "gradcam", "guided-gradcam", "input-x-gradient"}) {
            JsonNode a = http.ok("/api/attribution?image=sample-chelsea&method=" + m);
            assertEquals(m, a.get("method").asText());
            assertEquals(28, png(a.get("images").get("heatmap").asText()).getWidth(), m);
        }
        JsonNode vector = http.ok("/api/unit?image=sample-chelsea&layer=classifier.0&unit=5");
        assertEquals("vector", vector.get("kind").asText());
        JsonNode trace = http.ok("/api/trace?image=sample-chelsea");
        assertEquals("input", trace.get("rows").get(trace.get("rows").size() - 1).get("layer").asText());
        JsonNode occlusion = http.ok("/api/attribution?image=sample-chelsea&method=occlusion");
        assertEquals(4, occlusion.get("parameters").get("patch").asInt(), "the default patch scales with the input");
    }

    static java.awt.image.BufferedImage png(String dataUrl) throws Exception {
        byte[] b = Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1));
        return javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(b));
    }
}
