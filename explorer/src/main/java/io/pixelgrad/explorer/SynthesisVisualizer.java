package io.pixelgrad.explorer;

import io.pixelgrad.autograd.optim.Adam;
import io.pixelgrad.engine.Arrays;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.vis.ProgressListener;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.vis.synthesis.ImageParam;
import io.pixelgrad.vis.synthesis.InputSpace;
import io.pixelgrad.vis.synthesis.Objective;
import io.pixelgrad.vis.synthesis.RenderLoop;
import io.pixelgrad.vis.synthesis.Transforms;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.models.ModelCard;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;

/**
 * Feature visualization of one unit through io.pixelgrad.vis.synthesis, with the defaults of
 * {@code pixelgrad maximize --objective LAYER:CHANNEL}: fft parameters (colours decorrelated for 3-channel models),
 * Adam with lr 0.05, 512 steps, seed 0; a 128-pixel picture upsampled to the input size with the standard transforms
 * for ImageNet models, the model's own input size with pad(2), jitter(2), jitter(1) for small ones. With the same
 * seed, steps and size the picture is the one maximize writes (maximize.npy, maximize.png).
 */
public final class SynthesisVisualizer implements FeatureVisualizer {

    /** maximize's default number of steps (Lucent's). */
    public static final int DEFAULT_STEPS = 512;

    private final InputSpace space;
    private final int size, steps;
    private final long seed;
    private final String transforms;

    private SynthesisVisualizer(InputSpace space, int size, String transforms, int steps, long seed) {
        if (steps < 1) throw new IllegalArgumentException("feature visualization needs at least one step, not " + steps);
        if (size < 2 || size % 2 != 0) throw new IllegalArgumentException("the fft picture side must be even and >= 2, not " + size);
        this.space = space;
        this.size = size;
        this.transforms = transforms;
        this.steps = steps;
        this.seed = seed;
    }

    /**
     * maximize's defaults for this model and its description (null for weights without one): the input space,
     * picture side and transforms maximize picks, 512 steps, seed 0.
     */
    public static SynthesisVisualizer forModel(Classifier model, ModelCard card) {
        InputSpace space = InputSpace.forModel(model, card);
        boolean upsampled = space.minSide() > 0;
        int size = upsampled ? 128 : card != null ? card.side() : 28;
        if (size % 2 != 0) size++;   // fft parameters need an even side, as maximize rounds it up
        return new SynthesisVisualizer(space, size, upsampled ? "standard" : "pad(2),jitter(2),jitter(1)", DEFAULT_STEPS, 0);
    }

    /** The same with another number of optimization steps (maximize's --steps). */
    public SynthesisVisualizer steps(int n) {
        return new SynthesisVisualizer(space, size, transforms, n, seed);
    }

    /** The same with another seed (maximize's --seed). */
    public SynthesisVisualizer seed(long s) {
        return new SynthesisVisualizer(space, size, transforms, steps, s);
    }

    /** The picture side in pixels. */
    public int size() {
        return size;
    }

    /** The number of optimization steps. */
    public int steps() {
        return steps;
    }

    /** The seed of every random draw. */
    public long seed() {
        return seed;
    }

    /** What the parameters are, for the page and cache keys: e.g. "512 steps, 28 px, seed 0". */
    public String describe() {
        return steps + " steps, " + size + " px, seed " + seed;
    }

    /**
     * The picture [1, C, size, size] in [0, 1] (a fresh array the caller releases) that maximizes channel channel of
     * layer; progress is told after every step and may throw to stop the run.
     */
    public INDArray picture(Classifier model, String layer, int channel, ProgressListener progress) {
        int c = space.channels();
        try (ImageParam p = ImageParam.fft(1, c, size, size, c == 3)) {
            RenderLoop loop = RenderLoop.of(model, space, p, Objective.channel(layer, channel))
                    .transforms(Transforms.parse(transforms)).steps(steps).seed(seed)
                    .optimizer(list -> Adam.builder(list).lr(0.05).build())
                    .listener((step, total, value) -> progress.progress(step, total));
            RenderLoop.Result r = loop.run();
            Arrays.release(r.params());
            for (INDArray s : r.snapshots()) Arrays.release(s);
            return r.picture();
        }
    }

    @Override
    public BufferedImage visualize(Classifier model, String layer, int channel, ProgressListener progress) {
        INDArray picture = picture(model, layer, channel, progress);
        int c = (int) picture.size(1), h = (int) picture.size(2), w = (int) picture.size(3);
        // drawn as maximize draws maximize.png
        return Render.picture(Passes.valuesAndRelease(picture), 0, c, h, w);
    }
}
