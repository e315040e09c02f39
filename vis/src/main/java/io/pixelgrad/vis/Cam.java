package io.pixelgrad.vis;

import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.AdaptiveAvgPool2d;
import io.pixelgrad.autograd.nn.Dropout;
import io.pixelgrad.autograd.nn.Linear;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.zoo.models.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Class activation mapping (Zhou et al. 2016) for networks that end in global average pooling and one Linear layer:
 * cam_c = sum_k W[c,k] A_k, with A the last feature maps. No gradient is needed: the classifier's weights say how much
 * each channel counts. The raw result is the map upsampled bilinearly to the input; the low-res map is kept too.
 */
public final class Cam implements Explainer {

    /** A 2-D map with its size. */
    record Map2d(double[] values, int h, int w) {
    }

    private final Classifier model;
    private final Linear fc;
    private final String layer;

    /** CAM for this model, or a one-line error saying why its head does not qualify. */
    public Cam(Classifier model) {
        this.model = model;
        String why = null;
        if (!(model.avgpool() instanceof AdaptiveAvgPool2d p) || p.outH() != 1 || p.outW() != 1)
            why = "its pooling is " + (model.avgpool() == null ? "missing" : model.avgpool().describe()) + ", not global (1x1)";
        List<Linear> linears = new ArrayList<>();
        for (Module m : model.classifier().layers()) {
            if (m instanceof Linear l) linears.add(l);
            else if (!(m instanceof Dropout) && why == null) why = "its classifier has a " + m.describe() + " layer";
        }
        if (why == null && linears.size() != 1) why = "its classifier has " + linears.size() + " Linear layers";
        if (why != null)
            throw new IllegalArgumentException("CAM needs a network ending in global average pooling and one Linear layer; "
                    + model.architecture() + " does not: " + why + " (use gradcam instead)");
        this.fc = linears.get(0);
        this.layer = "features";
    }

    @Override
    public String name() {
        return "cam";
    }

    @Override
    public Attribution attribute(INDArray input, Target target) {
        INDArray x = Passes.asBatchOfOne(model, input);
        int h = (int) x.size(2), w = (int) x.size(3);
        double[] a;
        long[] s;
        int cls;
        try (Tape tape = new Tape()) {
            tape.watch(layer);
            Tensor logits = model.forward(tape.constant(x));
            cls = Passes.resolveClass(target, logits.value());
            Tensor features = tape.output(layer);
            a = Passes.values(features.value());
            s = features.shape();
        }
        int channels = (int) s[1], fh = (int) s[2], fw = (int) s[3], plane = fh * fw;
        double[] weights = Passes.values(fc.weight().value());
        double[] sum = new double[plane];
        for (int k = 0; k < channels; k++) {
            double wk = weights[cls * channels + k];
            for (int i = 0; i < plane; i++) sum[i] += wk * a[k * plane + i];
        }
        double[] cam = Passes.round(sum, x.dataType());
        double[] up = Maps.resizeBilinear(cam, fh, fw, h, w);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("layer_resolution", new int[]{fh, fw});
        return new Attribution(name(), Attribution.Kind.PIXEL_MAP, x.dataType(), up, new int[]{h, w}, cam, new int[]{fh, fw},
                cls, layer, h, w, p);
    }
}
