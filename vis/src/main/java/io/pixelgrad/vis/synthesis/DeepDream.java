package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.nn.Module;
import io.pixelgrad.vis.ProgressListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * DeepDream (Mordvintsev et al. 2015): amplify whatever a layer already sees in a photo, by gradient ascent on
 * mean(A^2) of the layer with a normalized step, over octaves from coarse to fine. docs/techniques.md defines it:
 * octave k (n-1 down to 0) works at round(H / s^k) x round(W / s^k); its start is the photo resized there (bilinear,
 * align_corners=False) plus the detail the previous octave added, resized the same way. Each step rolls the picture
 * by a random (dy, dx) in [-jitter, jitter], sums the gradient over tiles (bounded memory on large photos), steps by
 * step * g / (mean|g| + 1e-8) (or a Laplacian-pyramid normalization) and clamps every channel to the range of valid
 * pictures. Works in the model's normalized input space, at the photo's own size (no upsampling).
 */
public final class DeepDream {

    /** The settings of a dream; see the class comment. */
    public record Settings(int octaves, double octaveScale, int stepsPerOctave, double stepSize, int jitter,
                           DreamStep.Normalization normalization, int tile, long seed) {
        /** Checks the ranges. */
        public Settings {
            if (octaves < 1) throw new IllegalArgumentException("octaves must be at least 1, not " + octaves);
            if (!(octaveScale > 1)) throw new IllegalArgumentException("the octave scale must be above 1, not " + octaveScale);
            if (stepsPerOctave < 0) throw new IllegalArgumentException("steps must be >= 0, not " + stepsPerOctave);
            if (!(stepSize > 0)) throw new IllegalArgumentException("the step size must be positive, not " + stepSize);
            if (jitter < 0) throw new IllegalArgumentException("jitter must be >= 0, not " + jitter);
            if (tile < 0) throw new IllegalArgumentException("tile must be >= 0, not " + tile);
        }

        /** 4 octaves of scale 1.4, 10 steps each of 0.025 (google/deepdream's 1.5 in 0..255 units), jitter 32, tiles of 224. */
        public static Settings defaults() {
            return new Settings(4, 1.4, 10, 0.025, 32, DreamStep.Normalization.MEAN, 224, 0);
        }
    }

    /** The dream: the final picture [1,C,H,W] in [0,1], the objective at every step, and each octave's picture. */
    public record Result(INDArray picture, double[] trajectory, List<INDArray> octavePictures, List<int[]> octaveSizes) {
    }

    private DeepDream() {
    }

    /** The octave sizes, smallest first: round(h / s^k), round(w / s^k) for k = n-1 .. 0. */
    public static List<int[]> octaveSizes(int h, int w, int octaves, double scale) {
        List<int[]> sizes = new ArrayList<>();
        for (int k = octaves - 1; k >= 0; k--)
            sizes.add(new int[]{(int) Math.round(h / Math.pow(scale, k)), (int) Math.round(w / Math.pow(scale, k))});
        return sizes;
    }

    /**
     * Dreams on a photo given as model input x [1,C,H,W] (normalized with the input space), maximizing mean(A^2) of a
     * layer. The space's minimum side is ignored: the model sees the photo's own size.
     */
    public static Result run(Module model, InputSpace space, INDArray photo, String layer, Settings s, ProgressListener progress) {
        return run(model, space, photo, Objective.layer(layer), s, progress);
    }

    /** Dreams with any objective (usually {@link Objective#layer}). */
    public static Result run(Module model, InputSpace space, INDArray photo, Objective objective, Settings s, ProgressListener progress) {
        if (photo.rank() != 4 || photo.size(0) != 1)
            throw new IllegalArgumentException("DeepDream takes one photo [1,C,H,W], not " + java.util.Arrays.toString(photo.shape()));
        InputSpace native_ = new InputSpace(space.channels(), space.source(), space.scale(), space.mean(), space.std(), 0, space.name());
        int c = (int) photo.size(1), h = (int) photo.size(2), w = (int) photo.size(3);
        List<int[]> sizes = octaveSizes(h, w, s.octaves(), s.octaveScale());
        for (int[] size : sizes)
            if (size[0] < 1 || size[1] < 1) throw new IllegalArgumentException("octave size " + size[0] + "x" + size[1] + " is empty: use fewer octaves");
        double[] trajectory = new double[s.octaves() * s.stepsPerOctave()];
        List<INDArray> pictures = new ArrayList<>();
        INDArray detail = null;
        INDArray x = null;
        int done = 0, total = trajectory.length;
        for (int o = 0; o < sizes.size(); o++) {
            int oh = sizes.get(o)[0], ow = sizes.get(o)[1];
            INDArray base = resize(photo, oh, ow);
            INDArray start = base.dup('c');
            if (detail != null) {
                INDArray d = resize(detail, oh, ow);
                start.addi(d);
                io.pixelgrad.engine.Arrays.release(d, detail);
            }
            ImageParam param = ImageParam.input(1, c, oh, ow, native_);
            final int offset = done;
            RenderLoop.Result r = RenderLoop.of(model, native_, param, objective)
                    .start(start)
                    .steps(s.stepsPerOctave())
                    .seed(s.seed() * 1_000_003L + o)
                    .optimizer(p -> new DreamStep(p, s.stepSize(), s.normalization()))
                    .tiles(s.tile(), s.jitter())
                    .between((step, p, g) -> clamp(p, native_))
                    .listener((step, all, value) -> progress.progress(offset + step, total))
                    .run();
            param.close();
            System.arraycopy(r.trajectory(), 0, trajectory, done, s.stepsPerOctave());
            done += s.stepsPerOctave();
            pictures.add(r.picture());
            detail = r.params().sub(base);
            if (x != null) io.pixelgrad.engine.Arrays.release(x);
            x = r.params();
            io.pixelgrad.engine.Arrays.release(base, start);
        }
        io.pixelgrad.engine.Arrays.release(detail);
        INDArray picture = pictures.get(pictures.size() - 1).dup('c');
        io.pixelgrad.engine.Arrays.release(x);
        return new Result(picture, trajectory, pictures, sizes);
    }

    /** Bilinear resize (align_corners=False, no antialias) of [1,C,H,W] values (a new array). */
    static INDArray resize(INDArray a, int h, int w) {
        if (a.size(2) == h && a.size(3) == w) return a.dup('c');
        try (Tape tape = new Tape()) {
            Tensor r = F.resizeBilinear(tape.constant(a), h, w);
            return r.value().dup('c');
        }
    }

    /** Clamps every model channel to the values of pictures in [0,1]. */
    static void clamp(INDArray p, InputSpace space) {
        for (int ch = 0; ch < space.channels(); ch++) {
            double a = space.modelValue(ch, 0), b = space.modelValue(ch, 1);
            INDArray plane = p.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(ch),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all());
            org.nd4j.linalg.ops.transforms.Transforms.max(plane, Math.min(a, b), false);
            org.nd4j.linalg.ops.transforms.Transforms.min(plane, Math.max(a, b), false);
        }
    }
}
