package io.pixelgrad.vis;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The methods on full-size torchvision AlexNet at 224x224 against PyTorch, when the git-ignored files exist
 * (tests/fullsize/alexnet.pth from make_model_fixtures.py --fullsize, then make_vis_reference.py --fullsize);
 * skipped otherwise. Same tolerances as the small fixtures.
 */
class FullSizeAlexNetTest {

    static final Path DIR = Path.of(System.getProperty("pixelgrad.fullsize", "../tests/fullsize")).resolve("vis/alexnet");
    static Reference r;

    @BeforeAll
    static void load() throws Exception {
        assumeTrue(Files.exists(DIR.resolve("manifest.json")), "no " + DIR + " (run make_vis_reference.py --fullsize)");
        r = new Reference(DIR);
        assumeTrue(r.model != null, "the full-size AlexNet weights are missing");
    }

    @AfterAll
    static void report() {
        ReferenceTest.report();
    }

    @Test
    void gradientMethods() throws Exception {
        int cls = r.manifest.get("class").asInt();
        Attribution s = new Saliency(r.model).attribute(r.x, Target.topClass());
        assertEquals(cls, s.targetClass());
        Reference.assertClose("full/saliency", s.raw(), r.expected("grad_standard"), ReferenceTest.TOL);
        Reference.assertClose("full/guided", new GuidedBackprop(r.model).attribute(r.x, Target.classIndex(cls)).raw(),
                r.expected("grad_guided"), ReferenceTest.TOL);
        Reference.assertClose("full/deconv", new Deconvnet(r.model).attribute(r.x, Target.classIndex(cls)).raw(),
                r.expected("grad_deconvnet"), ReferenceTest.TOL);
        Reference.assertClose("full/deconv_feature", new Deconvnet(r.model).attribute(r.x, Target.strongest("features.11")).raw(),
                r.expected("proj_deconvnet_0"), ReferenceTest.TOL);
        Reference.assertClose("full/ig", new IntegratedGradients(new Saliency(r.model), r.manifest.get("ig_steps").asInt())
                .attribute(r.x, Target.topClass()).raw(), r.expected("ig"), ReferenceTest.TOL);
    }

    @Test
    void gradCamAndOcclusion() throws Exception {
        for (JsonNode l : r.manifest.get("layers"))
            Reference.assertClose("full/gradcam", new GradCam(r.model, l.asText()).attribute(r.x, Target.topClass()).raw(),
                    r.expected("gradcam_" + l.asText()), ReferenceTest.TOL);
        Reference.assertClose("full/guided-gradcam", new GuidedGradCam(r.model).attribute(r.x, Target.topClass()).raw(),
                r.expected("guided_gradcam"), ReferenceTest.TOL);
        JsonNode o = r.manifest.get("occlusion");
        Reference.assertClose("full/occlusion", new Occlusion(r.model, o.get("patch").asInt(), o.get("stride").asInt(), 0f)
                .attribute(r.x, Target.topClass()).raw(), r.expected("occlusion"), ReferenceTest.OCCLUSION_TOL);
    }
}
