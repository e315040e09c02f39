package io.pixelgrad.cli.explain;

import io.pixelgrad.vis.Attribution;
import io.pixelgrad.vis.FragileDecisions;
import io.pixelgrad.vis.Target;
import io.pixelgrad.vis.render.Colormap;
import io.pixelgrad.zoo.models.Classifier;

/** A command that runs one method on one image and writes its .npy, .png and .json (saliency, gradcam, ...). */
abstract class MethodCommand extends ExplainCommand {

    /** Runs the method; the options are already checked and the layer exists when given. */
    protected abstract Attribution compute(Classifier net, Input in, Target target) throws Exception;

    /** Whether the method runs a backward pass (and so depends on ReLU and max-pool decisions); occlusion and CAM don't. */
    protected boolean usesGradients() {
        return true;
    }

    @Override
    protected int run() throws Exception {
        requireOut();
        validate();
        Colormap cm = colormap();
        Classifier net = loadModel();
        Input in = loadInput(net);
        if (layer.given()) layer.resolve(net);
        Attribution a = compute(net, in, classTarget(net));
        FragileDecisions.Result fragile = usesGradients() ? fragileDecisions(net, in) : null;
        try (Outputs o = new Outputs(out.out)) {
            stage(o, spec.name(), a, in, net, cm, fragile);
            report(o.commit());
        }
        return 0;
    }
}
