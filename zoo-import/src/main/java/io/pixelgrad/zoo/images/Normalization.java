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
    CAFFE(true, new float[]{103.939f, 116.779f, 123.68f}, new float[]{1f, 1f, 1f});

    private final boolean bgr;
    private final float[] mean;
    private final float[] std;

    Normalization(boolean bgr, float[] mean, float[] std) {
        this.bgr = bgr;
        this.mean = mean;
        this.std = std;
    }

    /** The preset by name ("torchvision" or "caffe", any case), or an error listing the presets. */
    public static Normalization of(String name) {
        for (Normalization n : values()) if (n.name().equalsIgnoreCase(name.trim())) return n;
        throw new IllegalArgumentException("unknown normalization '" + name + "'; known: torchvision, caffe");
    }

    /** Lower-case name as users type it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
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
