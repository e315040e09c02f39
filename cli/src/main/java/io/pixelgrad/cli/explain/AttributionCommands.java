package io.pixelgrad.cli.explain;

import io.pixelgrad.cli.Progress;
import io.pixelgrad.cli.UserException;
import io.pixelgrad.cli.VersionProvider;
import io.pixelgrad.vis.Attribution;
import io.pixelgrad.vis.Cam;
import io.pixelgrad.vis.Deconvnet;
import io.pixelgrad.vis.GradCam;
import io.pixelgrad.vis.GradientMethod;
import io.pixelgrad.vis.GuidedBackprop;
import io.pixelgrad.vis.GuidedGradCam;
import io.pixelgrad.vis.IntegratedGradients;
import io.pixelgrad.vis.Occlusion;
import io.pixelgrad.vis.RuleGradient;
import io.pixelgrad.vis.Saliency;
import io.pixelgrad.vis.SmoothGrad;
import io.pixelgrad.vis.Target;
import io.pixelgrad.zoo.models.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The attribution commands, one small class each: which method to run with which options. */
public final class AttributionCommands {

    private AttributionCommands() {
    }

    /** Saliency, guided backprop and deconvnet: a class score, or with --layer the projection of one feature. */
    abstract static class RuleCommand extends MethodCommand {

        @Option(names = "--channel", paramLabel = "K",
                description = "With --layer: project this channel (default: the layer's strongest activation).")
        Integer channel;

        @Option(names = "--position", paramLabel = "Y,X", split = ",",
                description = "With --layer and --channel: the unit's row and column (default: the channel's strongest).")
        int[] position;

        abstract RuleGradient method(Classifier net);

        @Override
        protected void validate() {
            if ((channel != null || position != null) && !layer.given())
                throw new UserException("--channel and --position select a feature of a layer: give --layer too");
            if (position != null && position.length != 2) throw new UserException("--position takes two numbers: Y,X");
            if (position != null && channel == null) throw new UserException("--position needs --channel");
        }

        @Override
        protected Attribution compute(Classifier net, Input in, Target target) {
            if (layer.given()) {
                if (this.target.given()) throw new UserException("--class and --layer exclude each other: a class score or a feature");
                target = new Target.Feature(layer.layer, channel, position == null ? null : position[0], position == null ? null : position[1]);
            }
            return method(net).attribute(in.x(), target);
        }
    }

    /** {@code pixelgrad saliency}. */
    @Command(name = "saliency", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Vanilla gradient (Simonyan et al. 2013): d(class score)/d(pixels); the map is max over channels of |G|.",
            footer = {"", "Examples:", "  pixelgrad saliency -w alexnet.pth -i cat.jpg -o out/",
                "  pixelgrad saliency -w vgg16.pth -i cat.jpg --layer features.28 --channel 12 -o out/   (one feature)"})
    public static final class SaliencyCommand extends RuleCommand {
        @Override
        RuleGradient method(Classifier net) {
            return new Saliency(net);
        }
    }

    /** {@code pixelgrad guided}. */
    @Command(name = "guided", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Guided backprop (Springenberg et al. 2015): only positive gradients through active ReLUs.")
    public static final class GuidedCommand extends RuleCommand {
        @Override
        RuleGradient method(Classifier net) {
            return new GuidedBackprop(net);
        }
    }

    /** {@code pixelgrad deconv}. */
    @Command(name = "deconv", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Deconvnet (Zeiler & Fergus 2014): the gradient rectified at every ReLU.",
                "With --layer: project one activation (default the strongest) back to the pixels, seeded with its own "
                    + "value."})
    public static final class DeconvCommand extends RuleCommand {
        @Override
        RuleGradient method(Classifier net) {
            return new Deconvnet(net);
        }
    }

    /** {@code pixelgrad gradcam}. */
    @Command(name = "gradcam", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Grad-CAM (Selvaraju et al. 2017) at a conv layer (default: the last conv's ReLU).",
                "gradcam.npy is the map upsampled to the input before any scaling; gradcam_lowres.npy at the layer's "
                    + "size."})
    public static final class GradCamCommand extends MethodCommand {
        @Override
        protected Attribution compute(Classifier net, Input in, Target target) {
            return (layer.given() ? new GradCam(net, layer.layer) : new GradCam(net)).attribute(in.x(), target);
        }
    }

    /** {@code pixelgrad guided-gradcam}. */
    @Command(name = "guided-gradcam", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Guided Grad-CAM: guided backprop times the upsampled Grad-CAM map (default layer: the last conv's ReLU).")
    public static final class GuidedGradCamCommand extends MethodCommand {
        @Override
        protected Attribution compute(Classifier net, Input in, Target target) {
            return (layer.given() ? new GuidedGradCam(net, layer.layer) : new GuidedGradCam(net)).attribute(in.x(), target);
        }
    }

    /** {@code pixelgrad cam}. */
    @Command(name = "cam", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Class activation mapping (Zhou et al. 2016), for networks ending in global average pooling and one Linear layer.")
    public static final class CamCommand extends MethodCommand {
        @Override
        protected boolean usesGradients() {
            return false;
        }

        @Override
        protected Attribution compute(Classifier net, Input in, Target target) {
            return new Cam(net).attribute(in.x(), target);
        }
    }

    /** {@code pixelgrad occlusion}. */
    @Command(name = "occlusion", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Occlusion (Zeiler & Fergus 2014): how much the class score drops when a patch is covered.",
                "occlusion.npy is the score-drop grid, one value per patch position."})
    public static final class OcclusionCommand extends MethodCommand {
        @Override
        protected boolean usesGradients() {
            return false;
        }

        @Option(names = "--patch", paramLabel = "PIXELS", description = "Patch side (default: 32; 6 for inputs under 64 pixels).")
        Integer patch;
        @Option(names = "--stride", paramLabel = "PIXELS", description = "Step between patches (default: 16; 2 for inputs under 64 pixels).")
        Integer stride;
        @Option(names = "--fill", paramLabel = "VALUE", defaultValue = "0",
                description = "Value of the covered pixels in normalized input space; 0 is the dataset mean (default: ${DEFAULT-VALUE}).")
        double fill;
        @Option(names = "--batch", paramLabel = "N", defaultValue = "8", description = "Occluded images per forward pass (default: ${DEFAULT-VALUE}).")
        int batch;

        @Override
        protected void validate() {
            if (patch != null && patch < 1) throw new UserException("--patch must be at least 1, not " + patch);
            if (stride != null && stride < 1) throw new UserException("--stride must be at least 1, not " + stride);
            if (batch < 1) throw new UserException("--batch must be at least 1, not " + batch);
        }

        @Override
        protected Attribution compute(Classifier net, Input in, Target target) {
            long h = in.x().size(2), w = in.x().size(3);
            int[] geometry = occlusionGeometry(this.patch, this.stride, h, w);
            int patch = geometry[0], stride = geometry[1];
            long total = ((h - patch) / stride + 1) * ((w - patch) / stride + 1);
            try (Progress bar = Progress.start("Occlusion", patch > h || patch > w ? 0 : total, "", 1)) {
                return new Occlusion(net, patch, stride, fill, batch, (done, all) -> bar.stepTo(done)).attribute(in.x(), target);
            }
        }
    }

    /** The gradient a SmoothGrad or integrated-gradients command builds on. */
    static GradientMethod base(String name, Classifier net) {
        return switch (name) {
            case "saliency" -> new Saliency(net);
            case "guided" -> new GuidedBackprop(net);
            case "deconv" -> new Deconvnet(net);
            default -> throw new UserException("--base must be saliency, guided or deconv, not '" + name + "'");
        };
    }

    /** {@code pixelgrad smoothgrad}. */
    @Command(name = "smoothgrad", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "SmoothGrad (Smilkov et al. 2017): the mean gradient over noisy copies of the image.")
    public static final class SmoothGradCommand extends MethodCommand {
        @Option(names = "--samples", paramLabel = "N", defaultValue = "25", description = "Noisy copies (default: ${DEFAULT-VALUE}).")
        int samples;
        @Option(names = "--sigma", paramLabel = "FRACTION", defaultValue = "0.15",
                description = "Noise std as a fraction of the input's range max-min (default: ${DEFAULT-VALUE}).")
        double sigma;
        @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Noise seed (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--base", paramLabel = "METHOD", defaultValue = "saliency",
                description = "Gradient to smooth: saliency, guided or deconv (default: ${DEFAULT-VALUE}).")
        String base;

        @Override
        protected void validate() {
            if (samples < 1) throw new UserException("--samples must be at least 1, not " + samples);
            if (!(sigma >= 0)) throw new UserException("--sigma must be >= 0, not " + sigma);
        }

        @Override
        protected Attribution compute(Classifier net, Input in, Target target) {
            try (Progress bar = Progress.start("SmoothGrad", samples, "", 1)) {
                return new SmoothGrad(base(base, net), samples, sigma, seed, 4, (d, t) -> bar.stepTo(d)).attribute(in.x(), target);
            }
        }
    }

    /** {@code pixelgrad ig}. */
    @Command(name = "ig", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Integrated gradients (Sundararajan et al. 2017) from a zero baseline (the mean image in normalized space).")
    public static final class IgCommand extends MethodCommand {
        @Option(names = "--steps", paramLabel = "M", defaultValue = "32", description = "Steps along the path (default: ${DEFAULT-VALUE}).")
        int steps;
        @Option(names = "--base", paramLabel = "METHOD", defaultValue = "saliency",
                description = "Gradient to integrate: saliency, guided or deconv (default: ${DEFAULT-VALUE}).")
        String base;

        @Override
        protected void validate() {
            if (steps < 1) throw new UserException("--steps must be at least 1, not " + steps);
        }

        @Override
        protected Attribution compute(Classifier net, Input in, Target target) {
            try (Progress bar = Progress.start("Integrated gradients", steps, "", 1)) {
                return new IntegratedGradients(base(base, net), steps, null, 4, (d, t) -> bar.stepTo(d)).attribute(in.x(), target);
            }
        }
    }
}
