package io.pixelgrad.zoo.images;

import java.util.Locale;

/**
 * How 8-bit RGB samples become network input, as techniques.md defines the presets. The arithmetic is done in float32
 * in the same order as torchvision's {@code ToTensor} and {@code Normalize}, so the results agree bit for bit.
 */
public enum Normalization {
    /** (v/255 - mean) / std per RGB channel, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225). */
    TORCHVISION(false, new float[]{0.485f, 0.456f, 0.406f}, new float[]{0.229f, 0.224f, 0.225f}),
    /** Channels in BGR order, 0..255, minus the BGR mean (103.939, 116.779, 123.68): the original Caffe models' input. */
    CAFFE(true, new float[]{103.939f, 116.779f, 123.68f}, new float[]{1f, 1f, 1f}),
    /** (v/255 - 0.1307) / 0.3081: MNIST's mean and standard deviation (grey, so every channel alike). */
    MNIST(false, new float[]{0.1307f, 0.1307f, 0.1307f}, new float[]{0.3081f, 0.3081f, 0.3081f}),
    /** (v/255 - 0.2860) / 0.3530: Fashion-MNIST's mean and standard deviation. */
    FASHION_MNIST(false, new float[]{0.2860f, 0.2860f, 0.2860f}, new float[]{0.3530f, 0.3530f, 0.3530f}),
    /** CIFAR-10's per-channel mean (0.4914, 0.4822, 0.4465) and standard deviation (0.2470, 0.2435, 0.2616). */
    CIFAR10(false, new float[]{0.4914f, 0.4822f, 0.4465f}, new float[]{0.2470f, 0.2435f, 0.2616f}),
    /** (v/255 - 0.5) / 0.5, values in [-1, 1]: for image folders, whose statistics are not known in advance. */
    HALF(false, new float[]{0.5f, 0.5f, 0.5f}, new float[]{0.5f, 0.5f, 0.5f});

    private final boolean bgr;
    private final float[] mean;
    private final float[] std;

    Normalization(boolean bgr, float[] mean, float[] std) {
        this.bgr = bgr;
        this.mean = mean;
        this.std = std;
    }

    /** The preset by name ("torchvision", "caffe", "fashion-mnist", ... any case), or an error listing the presets. */
    public static Normalization of(String name) {
        String wanted = name.trim().replace('-', '_');
        for (Normalization n : values()) if (n.name().equalsIgnoreCase(wanted)) return n;
        StringBuilder known = new StringBuilder();
        for (Normalization n : values()) known.append(known.length() == 0 ? "" : ", ").append(n.id());
        throw new IllegalArgumentException("unknown normalization '" + name + "'; known: " + known);
    }

    /** Lower-case name as users type it ("fashion-mnist"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The per-channel means subtracted (after dividing by 255, except for Caffe), in output channel order. */
    public float[] mean() {
        return mean.clone();
    }

    /** The per-channel standard deviations divided by. */
    public float[] std() {
        return std.clone();
    }

    /**
     * The grey level of an 8-bit RGB pixel as PIL's {@code convert("L")} computes it (ITU-R 601 weights in 16-bit fixed
     * point, rounded): what torchvision's Grayscale gives, and exact for grey pixels.
     */
    public static int luminance(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /** Whether output channel 0 is blue (Caffe) rather than red. */
    public boolean bgr() {
        return bgr;
    }

    /**
     * The network value of an 8-bit sample of output channel {@code channel} (in this preset's channel order).
     * torchvision: ToTensor divides by 255 in float32, Normalize subtracts then divides; caffe: ToTensor then times 255.
     */
    public float apply(int sample, int channel) {
        float unit = (float) sample / 255f;
        if (bgr) return unit * 255f - mean[channel];
        return (unit - mean[channel]) / std[channel];
    }

    /** The input channel (0 = red, 1 = green, 2 = blue) that feeds output channel {@code channel}. */
    public int sourceChannel(int channel) {
        return bgr ? 2 - channel : channel;
    }
}
