package io.pixelgrad.cli.explain;

import io.pixelgrad.vis.Attribution;
import io.pixelgrad.vis.Target;
import io.pixelgrad.vis.render.Colormap;
import io.pixelgrad.zoo.models.Classifier;

/** A command that runs one method on one image and writes its .npy, .png and .json (saliency, gradcam, ...). */
abstract class MethodCommand extends ExplainCommand {

    /** Runs the method; the options are already checked and the layer exists when given. */
    protected abstract Attribution compute(Classifier net, Input in, Target target) throws Exception;

    @Override
    protected int run() throws Exception {
        requireOut();
        validate();
        Colormap cm = colormap();
        Classifier net = loadModel(model, weights);
        Input in = loadInput(net);
        if (layer.given()) layer.resolve(net);
        Attribution a = compute(net, in, classTarget(net));
        try (Outputs o = new Outputs(out.out)) {
            stage(o, spec.name(), a, in, net, cm);
            report(o.commit());
        }
        return 0;
    }
}
