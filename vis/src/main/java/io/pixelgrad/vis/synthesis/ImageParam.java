package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Tape;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.ConvSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * What input optimization changes: the parameters P, and how they become a picture I in [0,1] (a parametrization, as
 * Lucent's param/ package). docs/techniques.md gives the definitions:
 * <ul>
 *   <li>{@code pixel}: P [N,C,H,W], raw = P; start N(0, 0.01^2);</li>
 *   <li>{@code fft}: P [N,C,H,W/2+1,2] (real, imaginary), a 1/f-scaled spectrum; raw is its inverse real 2-D Fourier
 *       transform (norm "ortho", divided by 4), written out as four separable matrix products so any ND4J backend
 *       runs it; start N(0, 0.01^2); W must be even;</li>
 *   <li>then, for 3 channels, optional colour decorrelation (rgb = M t per pixel), then a sigmoid: I = sigmoid(...);</li>
 *   <li>{@code photo}: pixel parameters P = logit(I0) of a picture I0 (clamped to [1e-4, 1-1e-4]), so I = sigmoid(P);</li>
 *   <li>{@code input}: P is the model input x itself (normalized space): what the class model and DeepDream change;
 *       the picture is x mapped back to [0,1] (not clamped).</li>
 *   <li>{@code picture}: P is the picture I itself, in [0,1] pixel space (adversarial attacks as torchattacks, texture
 *       and style as the PyTorch tutorial): no squashing, so the run keeps P in range by clamping it; start U(0,1).</li>
 * </ul>
 * Holds the constant matrices of the fft and colour maps; {@link #close()} frees them.
 */
public final class ImageParam implements AutoCloseable {

    /** The kinds of parametrization. */
    public enum Kind {
        /** Pixels through a sigmoid. */
        PIXEL,
        /** A 1/f-scaled Fourier spectrum through a sigmoid. */
        FFT,
        /** Pixels starting at a photo (logit of the photo), through a sigmoid. */
        PHOTO,
        /** The model input itself, in normalized space. */
        INPUT,
        /** The picture itself, in [0,1] (kept there by clamping, not by a sigmoid). */
        PICTURE
    }

    /** Lucent's square root of ImageNet's colour correlation, scaled by its largest column norm 0.4619524. */
    static final double[][] COLOR_CORRELATION = {{0.26, 0.09, 0.02}, {0.27, 0.00, -0.05}, {0.27, -0.09, 0.03}};
    static final double MAX_COLUMN_NORM = 0.4619524;

    private final Kind kind;
    private final int batch, channels, height, width;
    private final boolean decorrelate;
    private final InputSpace space;
    private final INDArray photo;
    private final List<INDArray> owned = new ArrayList<>();
    private DataType matricesType;
    private INDArray colorWeight;
    private io.pixelgrad.autograd.functions.InverseRealDft2d.Plan dft;

    private ImageParam(Kind kind, int batch, int channels, int height, int width, boolean decorrelate, InputSpace space,
                       INDArray photo) {
        if (batch < 1 || channels < 1 || height < 1 || width < 1)
            throw new IllegalArgumentException("image size must be positive, not " + batch + "x" + channels + "x" + height + "x" + width);
        if (kind == Kind.FFT && width % 2 != 0)
            throw new IllegalArgumentException("the fft parametrization needs an even width, not " + width + " (try " + (width + 1) + ")");
        if (decorrelate && channels != 3)
            throw new IllegalArgumentException("colour decorrelation needs 3 channels, not " + channels);
        this.kind = kind;
        this.batch = batch;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.decorrelate = decorrelate;
        this.space = space;
        this.photo = photo;
    }

    /** Pixel parameters for N pictures of C channels, H x W, optionally colour-decorrelated. */
    public static ImageParam pixel(int batch, int channels, int height, int width, boolean decorrelate) {
        return new ImageParam(Kind.PIXEL, batch, channels, height, width, decorrelate, null, null);
    }

    /** Fourier parameters for N pictures of C channels, H x W (W even), optionally colour-decorrelated. */
    public static ImageParam fft(int batch, int channels, int height, int width, boolean decorrelate) {
        return new ImageParam(Kind.FFT, batch, channels, height, width, decorrelate, null, null);
    }

    /** Pixel parameters that start at a picture [1,C,H,W] (or [C,H,W]) in [0,1]. */
    public static ImageParam photo(INDArray picture) {
        long[] s = picture.shape();
        INDArray p = s.length == 3 ? picture.reshape('c', 1, s[0], s[1], s[2]) : picture;
        if (p.rank() != 4) throw new IllegalArgumentException("a photo must be [C,H,W] or [N,C,H,W], not " + Arrays.toString(s));
        return new ImageParam(Kind.PHOTO, (int) p.size(0), (int) p.size(1), (int) p.size(2), (int) p.size(3), false, null, p);
    }

    /** The model input itself as parameters, [N,C,H,W] in the input space's normalized values. */
    public static ImageParam input(int batch, int channels, int height, int width, InputSpace space) {
        return new ImageParam(Kind.INPUT, batch, channels, height, width, false, space, null);
    }

    /** The picture itself as parameters, [N,C,H,W] in [0,1]; the run clamps them (see {@link #clamp01}). */
    public static ImageParam pictureSpace(int batch, int channels, int height, int width) {
        return new ImageParam(Kind.PICTURE, batch, channels, height, width, false, null, null);
    }

    /** Clamps picture parameters to [0,1] in place (torch's clamp_: NaN stays NaN). */
    public static void clamp01(INDArray p) {
        org.nd4j.linalg.ops.transforms.Transforms.max(p, 0.0, false);
        org.nd4j.linalg.ops.transforms.Transforms.min(p, 1.0, false);
    }

    /** The kind. */
    public Kind kind() {
        return kind;
    }

    /** Pictures per batch. */
    public int batch() {
        return batch;
    }

    /** Channels of the picture. */
    public int channels() {
        return channels;
    }

    /** Picture height. */
    public int height() {
        return height;
    }

    /** Picture width. */
    public int width() {
        return width;
    }

    /** Whether colours are decorrelated. */
    public boolean decorrelated() {
        return decorrelate;
    }

    /** The shape of the parameters: [N,C,H,W], or [N,C,H,W/2+1,2] for fft. */
    public long[] shape() {
        return kind == Kind.FFT ? new long[]{batch, channels, height, width / 2 + 1, 2} : new long[]{batch, channels, height, width};
    }

    /**
     * Starting parameters: N(0, 0.01^2) from the generator for pixel and fft (row-major order, one nextGaussian per
     * value), logit of the photo, zeros (the mean image) for input, U(0,1) noise (one nextDouble per value) for picture.
     */
    public INDArray initial(Random random, DataType type) {
        long[] s = shape();
        int n = (int) io.pixelgrad.engine.Arrays.length(s);
        double[] v = new double[n];
        switch (kind) {
            case PIXEL, FFT -> {
                for (int i = 0; i < n; i++) v[i] = 0.01 * random.nextGaussian();
            }
            case PHOTO -> {
                double[] p = io.pixelgrad.vis.Passes.values(photo);
                for (int i = 0; i < n; i++) {
                    double c = Math.min(Math.max(p[i], 1e-4), 1 - 1e-4);
                    v[i] = Math.log(c / (1 - c));
                }
            }
            case INPUT -> { }
            case PICTURE -> {
                for (int i = 0; i < n; i++) v[i] = random.nextDouble();
            }
        }
        return io.pixelgrad.vis.Passes.array(v, type, s);
    }

    /** Checks parameters given by the user (--init): the shape this parametrization needs. */
    public void checkShape(INDArray params) {
        if (!Arrays.equals(params.shape(), shape()))
            throw new IllegalArgumentException("starting parameters have shape " + Arrays.toString(params.shape()) + "; "
                    + kind.name().toLowerCase(java.util.Locale.ROOT) + " parameters of this run have shape " + Arrays.toString(shape()));
    }

    /** The picture I [N,C,H,W] the parameters stand for (in [0,1] except for input parameters, which are not clamped). */
    public Tensor picture(Tensor p) {
        return switch (kind) {
            case PICTURE -> p;
            case INPUT -> pictureOfInput(p);
            case PIXEL, PHOTO -> F.sigmoid(colors(p));
            case FFT -> F.sigmoid(colors(spatial(p)));
        };
    }

    /**
     * The model input for the parameters p and their picture (from {@link #picture}), after transforms (drawn from
     * draws) and the input space's mapping.
     */
    public Tensor modelInput(Tensor p, Tensor picture, Transforms transforms, Draws draws, InputSpace modelSpace) {
        if (kind == Kind.INPUT) {
            // normalized space: 0 is the mean picture, the natural fill for transforms
            Tensor x = transforms.apply(p, 0.0, draws);
            int side = modelSpace.minSide();
            return side > 0 && (x.size(2) < side || x.size(3) < side) ? F.resizeBilinearAlignCorners(x, side, side) : x;
        }
        return modelSpace.toModelInput(transforms.apply(picture, 0.5, draws));
    }

    private Tensor pictureOfInput(Tensor x) {
        // I = (x * std + mean) / scale per channel, in the picture's channel order
        Tape tape = x.tape();
        Tensor[] parts = new Tensor[channels];
        for (int c = 0; c < channels; c++) {
            Tensor xc = channels == 1 ? x : F.slice(x, 1, c, c + 1);
            parts[space.source()[c]] = F.affine(xc, space.std()[c] / space.scale()[c], space.mean()[c] / space.scale()[c]);
        }
        return channels == 1 ? parts[0] : F.concat(1, parts);
    }

    /** The decorrelated colours (rgb = M t per pixel, a 1x1 convolution), or raw itself. */
    private Tensor colors(Tensor raw) {
        if (!decorrelate) return raw;
        ensureMatrices(raw.dataType());
        return F.conv2d(raw, Tensor.constant(colorWeight), null, ConvSpec.of(1, 0));
    }

    /**
     * The inverse real 2-D Fourier transform of the scaled spectrum S = scale * (P_re + i P_im), norm "ortho", over 4:
     * raw[y,x] = c sum_ky sum_kx w_kx Re(S[ky,kx] e^{2 pi i (ky y/H + kx x/W)}), c = 1/(4 sqrt(HW)), w_kx = 1 for kx = 0
     * and W/2, else 2. With Re(S e^{i(a+b)}) = S_re(cos a cos b - sin a sin b) - S_im(sin a cos b + cos a sin b) it is
     * Cy S_re Cx^T - Sy S_re Sx^T - Sy S_im Cx^T - Cy S_im Sx^T = Cy U - Sy V, which {@link F#inverseRealDft2d}
     * computes as one product over the columns (U and V) followed by one over the rows.
     */
    private Tensor spatial(Tensor p) {
        ensureMatrices(p.dataType());
        return F.inverseRealDft2d(p, dft);
    }

    private void ensureMatrices(DataType type) {
        if (type == matricesType) return;
        releaseMatrices();
        matricesType = type;
        int h = height, w = width, wf = w / 2 + 1;
        double c = 1.0 / (4.0 * Math.sqrt((double) h * w));
        double[][] cy = new double[h][h], sy = new double[h][h], cx = new double[w][wf], sx = new double[w][wf];
        for (int y = 0; y < h; y++)
            for (int k = 0; k < h; k++) {
                // reduce k*y mod H first so the angle stays small and exact
                double a = 2 * Math.PI * ((long) k * y % h) / h;
                cy[y][k] = Math.cos(a);
                sy[y][k] = Math.sin(a);
            }
        for (int x = 0; x < w; x++)
            for (int k = 0; k < wf; k++) {
                double weight = (k == 0 || (w % 2 == 0 && k == w / 2)) ? c : 2 * c;
                double a = 2 * Math.PI * ((long) k * x % w) / w;
                cx[x][k] = weight * Math.cos(a);
                sx[x][k] = weight * Math.sin(a);
            }
        // a row of spectra (real and imaginary part of each kx side by side) to the rows of U and V side by side
        double[][] columns = new double[2 * wf][2 * w];
        for (int k = 0; k < wf; k++)
            for (int x = 0; x < w; x++) {
                columns[2 * k][x] = cx[x][k];
                columns[2 * k][w + x] = sx[x][k];
                columns[2 * k + 1][x] = -sx[x][k];
                columns[2 * k + 1][w + x] = cx[x][k];
            }
        double[][] rows = new double[h][2 * h];
        for (int y = 0; y < h; y++)
            for (int k = 0; k < h; k++) {
                rows[y][k] = cy[y][k];
                rows[y][h + k] = -sy[y][k];
            }
        double[][] scale = new double[1][h * 2 * wf];
        for (int ky = 0; ky < h; ky++) {
            double fy = (ky < (h + 1) / 2 ? ky : ky - h) / (double) h;
            for (int kx = 0; kx < wf; kx++) {
                double fx = kx / (double) w;
                double f = Math.sqrt(fx * fx + fy * fy);
                scale[0][(ky * wf + kx) * 2] = scale[0][(ky * wf + kx) * 2 + 1] = 1.0 / Math.max(f, 1.0 / Math.max(h, w));
            }
        }
        dft = new io.pixelgrad.autograd.functions.InverseRealDft2d.Plan(keep(columns, type), keep(rows, type), keep(scale, type));
        double[][][][] m = new double[3][3][1][1];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) m[i][j][0][0] = COLOR_CORRELATION[i][j] / MAX_COLUMN_NORM;
        colorWeight = Nd4j.create(new double[]{
                m[0][0][0][0], m[0][1][0][0], m[0][2][0][0], m[1][0][0][0], m[1][1][0][0], m[1][2][0][0],
                m[2][0][0][0], m[2][1][0][0], m[2][2][0][0]}, new long[]{3, 3, 1, 1}, 'c').castTo(type);
        owned.add(colorWeight);
    }

    private INDArray keep(double[][] m, DataType type) {
        INDArray a = Nd4j.createFromArray(m).castTo(type);
        owned.add(a);
        return a;
    }

    private void releaseMatrices() {
        for (INDArray a : owned) io.pixelgrad.engine.Arrays.release(a);
        owned.clear();
        matricesType = null;
    }

    /** Frees the constant matrices. */
    @Override
    public void close() {
        releaseMatrices();
    }

    /** A short description, e.g. "fft 1x3x128x128, decorrelated". */
    public String describe() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + batch + "x" + channels + "x" + height + "x" + width
                + (decorrelate ? ", decorrelated" : "");
    }
}
