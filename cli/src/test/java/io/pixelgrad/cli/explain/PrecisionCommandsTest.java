package io.pixelgrad.cli.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.engine.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.pixelgrad.cli.explain.ExplainCommandsTest.REF;
import static io.pixelgrad.cli.explain.ExplainCommandsTest.X;
import static io.pixelgrad.cli.explain.ExplainCommandsTest.args;
import static io.pixelgrad.cli.explain.ExplainCommandsTest.relativeError;
import static io.pixelgrad.cli.explain.ExplainCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --dtype}, the fragile-decision counts in the JSON and the trace, and {@code compare}: float64 runs write
 * float64 .npy files that match PyTorch's float64 outputs (vis fixtures, float64/) to 1e-12; bad values are one line.
 */
class PrecisionCommandsTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"saliency:grad_standard", "guided:grad_guided", "deconv:grad_deconvnet", "gradcam:gradcam_features.11"})
    void float64RunsWriteFloat64ArraysThatMatchPyTorchFloat64(String pair) throws Exception {
        String method = pair.split(":")[0], reference = pair.split(":")[1];
        Path out = tmp.resolve("out");
        ExplainCommandsTest.Run r = run(args(out, method, "--dtype", "float64"));
        assertEquals(0, r.code(), r.err());
        INDArray raw = Npy.read(out.resolve(method + ".npy"));
        assertEquals(DataType.DOUBLE, raw.dataType(), "the .npy takes the run's dtype");
        double e = relativeError(raw, Npy.read(REF.resolve("float64").resolve(reference + ".npy")));
        assertTrue(e < 1e-12, method + ": " + e);
        JsonNode json = new ObjectMapper().readTree(out.resolve(method + ".json").toFile());
        assertEquals("float64", json.get("dtype").asText());
        assertFalse(json.has("fragile_decisions"), "float64 runs have no float32 decisions to list");
    }

    @Test
    void float32GradientJsonListsFragileDecisionsPerLayer() throws Exception {
        Path out = tmp.resolve("out");
        ExplainCommandsTest.Run r = run(args(out, "guided"));
        assertEquals(0, r.code(), r.err());
        assertEquals(DataType.FLOAT, Npy.read(out.resolve("guided.npy")).dataType());
        JsonNode json = new ObjectMapper().readTree(out.resolve("guided.json").toFile());
        assertEquals("float32", json.get("dtype").asText());
        JsonNode f = json.get("fragile_decisions");
        assertEquals(1e-5, f.get("tolerance").asDouble());
        // PyTorch's count on the same forward pass (make_vis_reference.py), layer by layer
        JsonNode expected = new ObjectMapper().readTree(REF.resolve("manifest.json").toFile()).get("fragile_decisions_1e-5");
        assertEquals(expected.size(), f.get("layers").size());
        for (JsonNode l : f.get("layers")) {
            String key = l.get("kind").asText().equals("ReLU") ? "inputs_near_zero" : "windows_near_tie";
            assertEquals(expected.get(l.get("layer").asText()).asLong(), l.get(key).asLong(), l.get("layer").asText());
        }
        // occlusion runs no backward pass: nothing to list
        Path out2 = tmp.resolve("out2");
        assertEquals(0, run(args(out2, "occlusion", "--patch", "15", "--stride", "8")).code());
        assertFalse(new ObjectMapper().readTree(out2.resolve("occlusion.json").toFile()).has("fragile_decisions"));
    }

    @Test
    void traceShowsFragileDecisionColumns() {
        ExplainCommandsTest.Run r = run("trace", "-m", "alexnet/16", "-w", ExplainCommandsTest.WEIGHTS.toString(), "-i", X.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("near 0") && r.out().contains("near tie"), r.out());
        String relu = r.out().lines().filter(l -> l.startsWith("features.1 ")).findFirst().orElseThrow();
        assertTrue(relu.strip().endsWith("0"), "features.1 (a ReLU) shows its count: " + relu);
    }

    @Test
    void unknownDtypeIsOneLineNamingTheAllowedValues() {
        Path out = tmp.resolve("out");
        ExplainCommandsTest.Run r = run(args(out, "saliency", "--dtype", "float16"));
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("float16") && r.err().contains("float32") && r.err().contains("float64"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void float64NpyInputIsNarrowedWithAWarningInFloat32Runs() throws Exception {
        Path x64 = tmp.resolve("x64.npy");
        Npy.write(Npy.read(X).castTo(DataType.DOUBLE), x64);
        Path out = tmp.resolve("out");
        ExplainCommandsTest.Run r = run("saliency", "-m", "alexnet/16", "-w", ExplainCommandsTest.WEIGHTS.toString(), "-i",
                x64.toString(), "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("float64") && r.err().contains("rounding"), r.err());
        ExplainCommandsTest.Run quiet = run("saliency", "-m", "alexnet/16", "-w", ExplainCommandsTest.WEIGHTS.toString(), "-i",
                x64.toString(), "-o", tmp.resolve("out64").toString(), "--dtype", "float64");
        assertEquals(0, quiet.code(), quiet.err());
        assertFalse(quiet.err().contains("rounding"), quiet.err());
    }

    @Test
    void classifyPrintsFloat64Logits() throws Exception {
        ExplainCommandsTest.Run r = run("classify", "-m", "alexnet/16", "-w", ExplainCommandsTest.WEIGHTS.toString(), "-i",
                X.toString(), "--dtype", "float64", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("float64", json.get("dtype").asText());
        INDArray logits = Npy.read(REF.resolve("float64").resolve("logits.npy"));
        JsonNode top = json.get("predictions").get(0).get(0);
        double expected = logits.getDouble(0, top.get("index").asInt());
        assertEquals(expected, top.get("logit").asDouble(), 1e-12 * Math.abs(expected));
    }

    @Test
    void compareReportsErrorsAndExitsByTolerance() throws Exception {
        Path got = tmp.resolve("got.npy"), ref = tmp.resolve("ref.npy");
        INDArray r = Npy.read(REF.resolve("float64").resolve("grad_standard.npy"));
        Npy.write(r, ref);
        INDArray g = r.dup();
        g.putScalar(new long[]{1, 2, 3}, g.getDouble(1, 2, 3) + 1e-3 * r.amaxNumber().doubleValue());
        Npy.write(g, got);
        ExplainCommandsTest.Run pass = run("compare", got.toString(), ref.toString(), "--tol", "1e-2");
        assertEquals(0, pass.code(), pass.err());
        assertTrue(pass.out().contains("[1, 2, 3]") && pass.out().contains("PASS"), pass.out());
        ExplainCommandsTest.Run fail = run("compare", got.toString(), ref.toString(), "--tol", "1e-9", "--json");
        assertEquals(1, fail.code());
        JsonNode json = new ObjectMapper().readTree(fail.out());
        assertFalse(json.get("pass").asBoolean());
        // closed form: one element off by d gives |d| / |ref|_2 and the largest absolute error d
        double d = 1e-3 * r.amaxNumber().doubleValue(), norm = r.norm2Number().doubleValue();
        assertEquals(d / norm, json.get("relative_l2_error").asDouble(), 1e-9 * d / norm);
        assertEquals(d, json.get("max_abs_error").asDouble(), 1e-12 * d);
        assertTrue(json.get("correlation").asDouble() > 0.999);
        ExplainCommandsTest.Run same = run("compare", ref.toString(), ref.toString(), "--tol", "0");
        assertEquals(0, same.code(), same.out());
        Path other = tmp.resolve("other.npy");
        Npy.write(Npy.read(X), other);
        ExplainCommandsTest.Run shapes = run("compare", other.toString(), ref.toString());
        assertEquals(1, shapes.code());
        assertTrue(shapes.err().contains("shapes differ"), shapes.err());
        ExplainCommandsTest.Run missing = run("compare", tmp.resolve("none.npy").toString(), ref.toString());
        assertEquals(1, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
    }
}
