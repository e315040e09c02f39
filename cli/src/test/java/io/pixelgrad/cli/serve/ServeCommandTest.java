package io.pixelgrad.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.cli.Pixelgrad;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serve command's options and mistakes: help, bad values (exit 2), a port in use (one line, exit 1), start and stop;
 * without --weights, the built-in model exactly as classify sees it.
 */
class ServeCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path WEIGHTS = Path.of("../zoo-import/src/test/resources/models/alexnet16.safetensors");

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Pixelgrad.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpNamesTheOptions() {
        Run r = run("serve", "--help");
        assertEquals(0, r.code());
        for (String o : new String[]{"--port", "--host", "--weights", "--builtin", "--model", "--dtype", "--steps", "--seed", "127.0.0.1"})
            assertTrue(r.out().contains(o), o + " in " + r.out());
        assertTrue(run("--help").out().contains("serve"));
    }

    @Test
    void mistakesAreOneLine() throws Exception {
        Run bad = run("serve", "-w", WEIGHTS.toString(), "--port", "70000");
        assertEquals(2, bad.code(), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertTrue(bad.err().contains("--port must be between 0 and 65535"), bad.err());
        Run steps = run("serve", "--steps", "0");
        assertEquals(2, steps.code(), steps.err());
        assertTrue(steps.err().contains("--steps must be at least 1"), steps.err());
        Run builtin = run("serve", "--builtin", "cifar");
        assertEquals(1, builtin.err().strip().lines().count(), builtin.err());
        assertTrue(builtin.err().contains("no built-in model 'cifar'"), builtin.err());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run busy = run("serve", "-w", WEIGHTS.toString(), "--port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, busy.code(), busy.err());
            String last = busy.err().strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("pixelgrad serve: cannot listen on 127.0.0.1:" + taken.getLocalPort()), busy.err());
            assertTrue(last.contains("choose another with --port") && !busy.err().contains("\tat "), busy.err());
        }
    }

    /** A serve command running on its own thread (interrupt it to stop), and the address it printed. */
    record Serving(Thread thread, int[] code, StringWriter out, URI base) {
        String get(String path) throws Exception {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            return r.body();
        }

        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join(20_000);
            return code[0];
        }
    }

    static Serving serve(String... args) throws Exception {
        StringWriter out = new StringWriter();
        int[] code = {-1};
        Thread serve = new Thread(() -> code[0] = Pixelgrad.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), args));
        serve.start();
        URI base = null;
        Pattern url = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/)");
        for (int i = 0; i < 600 && base == null && serve.isAlive(); i++) {
            Matcher m = url.matcher(out.toString());
            if (m.find()) base = URI.create(m.group(1));
            else Thread.sleep(100);
        }
        assertTrue(base != null, out.toString());
        return new Serving(serve, code, out, base);
    }

    @Test
    void withoutWeightsItServesTheBuiltInModelAsClassifySeesIt() throws Exception {
        Serving s = serve("serve", "--port", "0");
        try {
            assertTrue(s.out().toString().contains("built-in fashion-mnist model"), s.out().toString());
            JsonNode model = JSON.readTree(s.get("/api/model"));
            assertEquals("smallvgg", model.get("architecture").asText());
            assertEquals("sample-ankle-boot", model.get("samples").get(0).get("id").asText());
            assertTrue(model.get("synthesis").asBoolean(), "feature visualization is plugged in");
            sameAsClassify(s, model, new String[]{"shirt", "bag"});
        } finally {
            assertEquals(0, s.stop());
        }
    }

    @Test
    void aTrainedModelsFileBringsItsOwnPreprocessingNamesAndSamples() throws Exception {
        // the built-in MNIST model as a file given with -w: its description (card) names the data set and classes
        Path file = io.pixelgrad.zoo.models.BuiltinModels.weights("mnist");
        Serving s = serve("serve", "-w", file.toString(), "--port", "0");
        try {
            JsonNode model = JSON.readTree(s.get("/api/model"));
            assertEquals("lenet", model.get("architecture").asText());
            assertEquals("sample-" + io.pixelgrad.zoo.models.BuiltinModels.samples("mnist").get(0),
                    model.get("samples").get(0).get("id").asText());
            sameAsClassify(s, model, new String[]{"digit-3", "digit-8"}, "-w", file.toString());
        } finally {
            assertEquals(0, s.stop());
        }
    }

    /** The page's input is 28x28 grey, and its class scores are what classify prints for the same samples. */
    static void sameAsClassify(Serving s, JsonNode model, String[] samples, String... weights) throws Exception {
        assertEquals("[1,28,28]", model.get("input").toString());
        for (String sample : samples) {
            JsonNode served = JSON.readTree(s.get("/api/scores?image=sample-" + sample + "&top=10")).get("scores");
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("classify", "--sample", sample, "--top", "10", "--json"));
            args.addAll(java.util.List.of(weights));
            Run classify = run(args.toArray(new String[0]));
            assertEquals(0, classify.code(), classify.err());
            JsonNode expected = JSON.readTree(classify.out()).get("predictions").get(0);
            assertEquals(10, served.size());
            for (int r = 0; r < 10; r++) {
                assertEquals(expected.get(r).get("index").asInt(), served.get(r).get("index").asInt(), sample + " rank " + r);
                assertEquals(expected.get(r).get("name").asText(), served.get(r).get("name").asText());
                // the same float32 logits to the last bit, so the same probabilities
                assertEquals((float) expected.get(r).get("logit").asDouble(), (float) served.get(r).get("logit").asDouble(), 0f);
                assertEquals(expected.get(r).get("probability").asDouble(), served.get(r).get("probability").asDouble(), 1e-12);
            }
        }
    }

    @Test
    void servesUntilStopped() throws Exception {
        Serving s = serve("serve", "-w", WEIGHTS.toString(), "--port", "0", "--dtype", "float64");
        StringWriter out = s.out();
        URI base = s.base();
        Thread serve = s.thread();
        int[] code = s.code();
        assertTrue(out.toString().contains("float64"), out.toString());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/api/model")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"dtype\":\"float64\""), r.body());
        serve.interrupt();
        serve.join(20_000);
        assertEquals(0, code[0]);
    }
}
