package io.pixelgrad.vis;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The methods on full-size torchvision AlexNet at 224x224 on a real photo (skimage's chelsea.png) against PyTorch,
 * when the git-ignored files exist (tests/fullsize/alexnet.pth from make_model_fixtures.py --fullsize, then
 * make_vis_reference.py --fullsize); skipped otherwise. In float32 a full-size network always has a few decisions
 * within rounding distance (the manifest counts them), so one flipped max-pool switch can move a gradient map by
 * about 1e-2: the float32 bounds here are loose ({@link #TOL32}); float64 must agree to 1e-10.
 */
class FullSizeAlexNetTest {

    static final Path DIR = Path.of(System.getProperty("pixelgrad.fullsize", "../tests/fullsize")).resolve("vis/alexnet");
    /** float32 bound on a real photo, where fragile decisions exist (see the class comment). */
    static final double TOL32 = 5e-2;
    /** float64 bound of the "done when". */
    static final double TOL64 = 1e-10;

    @AfterAll
    static void report() {
        ReferenceTest.report();
    }

    private static Reference load(DataType type) throws Exception {
        assumeTrue(Files.exists(DIR.resolve("manifest.json")), "no " + DIR + " (run make_vis_reference.py --fullsize)");
        Reference r = new Reference(DIR, type);
        assumeTrue(r.model != null, "the full-size AlexNet weights are missing");
        return r;
    }

    private static double tolerance(DataType type) {
        return type == DataType.DOUBLE ? TOL64 : TOL32;
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void gradientMethods(DataType type) throws Exception {
        Reference r = load(type);
        double tol = tolerance(type);
        int cls = r.manifest.get("class").asInt();
        Attribution s = new Saliency(r.model).attribute(r.x, Target.topClass());
        assertEquals(cls, s.targetClass());
        Reference.assertClose(r.label("full/saliency"), s.raw(), r.expected("grad_standard"), tol);
        Reference.assertClose(r.label("full/guided"), new GuidedBackprop(r.model).attribute(r.x, Target.classIndex(cls)).raw(),
                r.expected("grad_guided"), tol);
        Reference.assertClose(r.label("full/deconv"), new Deconvnet(r.model).attribute(r.x, Target.classIndex(cls)).raw(),
                r.expected("grad_deconvnet"), tol);
        Reference.assertClose(r.label("full/deconv_feature"), new Deconvnet(r.model).attribute(r.x, Target.strongest("features.11")).raw(),
                r.expected("proj_deconvnet_0"), tol);
        Reference.assertClose(r.label("full/ig"), new IntegratedGradients(new Saliency(r.model), r.manifest.get("ig_steps").asInt())
                .attribute(r.x, Target.topClass()).raw(), r.expected("ig"), tol);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void gradCamAndOcclusion(DataType type) throws Exception {
        Reference r = load(type);
        double tol = tolerance(type);
        for (JsonNode l : r.manifest.get("layers"))
            Reference.assertClose(r.label("full/gradcam"), new GradCam(r.model, l.asText()).attribute(r.x, Target.topClass()).raw(),
                    r.expected("gradcam_" + l.asText()), tol);
        Reference.assertClose(r.label("full/guided-gradcam"), new GuidedGradCam(r.model).attribute(r.x, Target.topClass()).raw(),
                r.expected("guided_gradcam"), tol);
        JsonNode o = r.manifest.get("occlusion");
        Reference.assertClose(r.label("full/occlusion"), new Occlusion(r.model, o.get("patch").asInt(), o.get("stride").asInt(), 0)
                .attribute(r.x, Target.topClass()).raw(), r.expected("occlusion"), type == DataType.DOUBLE ? TOL64 : ReferenceTest.OCCLUSION_TOL);
    }
}
