package io.pixelgrad.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.pixelgrad.engine.Npy;
import io.pixelgrad.explorer.SynthesisVisualizer;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.zoo.models.BuiltinModels;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.pixelgrad.zoo.load.ModelLoader;
import org.nd4j.linalg.api.buffer.DataType;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The explorer's feature visualization is {@code pixelgrad maximize --objective LAYER:CHANNEL} with the same seed and
 * steps: the same picture values (maximize.npy) and the same pixels (maximize.png), bit for bit, on the built-in model.
 */
class ServeSynthesisTest {

    private static final int STEPS = 4;

    private static Path maximize(Path dir, String objective, long seed, String dtype) {
        ServeCommandTest.Run r = ServeCommandTest.run("maximize", "--objective", objective, "--steps", Integer.toString(STEPS),
                "--seed", Long.toString(seed), "--dtype", dtype, "-o", dir.toString());
        assertEquals(0, r.code(), r.err());
        return dir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"float32", "float64"})
    void thePictureIsMaximizes(String dtype, @TempDir Path tmp) throws Exception {
        Classifier net = ModelLoader.load(ModelLoader.AUTO, BuiltinModels.weights(BuiltinModels.DEFAULT),
                dtype.equals("float64") ? DataType.DOUBLE : DataType.FLOAT);
        SynthesisVisualizer v = SynthesisVisualizer.forModel(net, BuiltinModels.card(BuiltinModels.DEFAULT)).steps(STEPS).seed(5);
        assertEquals(28, v.size(), "maximize's default side for the 28x28 built-in model");
        Path dir = maximize(tmp.resolve("m"), "features.8:3", 5, dtype);
        AtomicInteger steps = new AtomicInteger();
        INDArray picture = v.picture(net, "features.8", 3, (done, total) -> {
            assertEquals(STEPS, total);
            steps.incrementAndGet();
        });
        assertEquals(STEPS, steps.get(), "progress after every step");
        INDArray written = Npy.read(dir.resolve("maximize.npy"));
        assertArrayEquals(new long[]{1, 28, 28}, written.shape());
        assertEquals(net.dataType(), written.dataType());
        assertArrayEquals(Passes.values(written), Passes.values(picture), "maximize.npy holds exactly these values");
        BufferedImage png = ImageIO.read(dir.resolve("maximize.png").toFile());
        assertSamePixels(png, v.visualize(net, "features.8", 3, (d, t) -> { }));
        // cancelling: the progress listener throws, the run stops and nothing is returned
        IllegalStateException stop = new IllegalStateException("cancelled");
        assertEquals(stop, assertThrows(IllegalStateException.class, () -> v.picture(net, "features.8", 3, (d, t) -> {
            if (d == 2) throw stop;
        })));
    }

    @Test
    void theServedPictureIsMaximizesPng(@TempDir Path tmp) throws Exception {
        Path dir = maximize(tmp.resolve("m"), "features.3:5", 11, "float32");
        ServeCommandTest.Serving s = ServeCommandTest.serve("serve", "--port", "0", "--steps", Integer.toString(STEPS), "--seed", "11");
        try {
            String start = post(s.base(), "/api/jobs?kind=synthesis&layer=features.3&unit=5");
            String job = ServeCommandTest.JSON.readTree(start).get("job").asText();
            JsonNode done = awaitDone(s.base(), job);
            assertEquals("features.3", done.get("layer").asText());
            assertTrue(done.get("settings").asText().contains(STEPS + " steps"), done.toString());
            assertSamePixels(ImageIO.read(dir.resolve("maximize.png").toFile()), png(done.get("picture").asText()));
            // asked again: the cached answer, at once
            JsonNode again = ServeCommandTest.JSON.readTree(post(s.base(), "/api/jobs?kind=synthesis&layer=features.3&unit=5"));
            assertEquals("done", again.get("state").asText());
            assertEquals(done.get("picture").asText(), again.get("result").get("picture").asText());
        } finally {
            assertEquals(0, s.stop());
        }
    }

    private static void assertSamePixels(BufferedImage expected, BufferedImage actual) {
        assertEquals(expected.getWidth(), actual.getWidth());
        assertEquals(expected.getHeight(), actual.getHeight());
        for (int y = 0; y < expected.getHeight(); y++)
            for (int x = 0; x < expected.getWidth(); x++)
                assertEquals(expected.getRGB(x, y), actual.getRGB(x, y), "pixel " + x + "," + y);
    }

    private static BufferedImage png(String dataUrl) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1))));
    }

    private static String post(URI base, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() == 200 || r.statusCode() == 202, r.statusCode() + ": " + r.body());
        return r.body();
    }

    /** Reads the job's server-sent events until "done" and returns its result. */
    private static JsonNode awaitDone(URI base, String job) throws Exception {
        HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/api/jobs/" + job + "/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String event = null;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("event: ")) event = line.substring(7);
                else if (line.startsWith("data: ") && !"progress".equals(event)) {
                    assertEquals("done", event, line);
                    return ServeCommandTest.JSON.readTree(line.substring(6));
                }
            }
        }
        throw new AssertionError("the event stream ended without a result");
    }
}
