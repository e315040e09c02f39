package io.pixelgrad.vis.synthesis;

import io.pixelgrad.autograd.F;
import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.engine.BilinearSampler;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Random, differentiable changes of the picture before the model sees it (Lucent's transforms): they keep the
 * optimization from exploiting single pixels. Every draw comes from the run's {@link Draws}. The standard list, in
 * order: pad 12 (fill 0.5), jitter 8, scale by one of {0.90, 0.92, ..., 1.10}, rotate by one of -10..10 degrees (0 six
 * times as likely), jitter 4. docs/techniques.md defines each one.
 */
public final class Transforms {

    /** One transform: the picture [N,C,H,W] after it; fill is the value of pixels it makes up (0.5 for pictures). */
    public interface Transform {
        /** Applies the transform with choices from draws. */
        Tensor apply(Tensor x, double fill, Draws draws);

        /** The transform as written in a --transforms list, e.g. "jitter(8)". */
        String describe();
    }

    private final List<Transform> list;

    private Transforms(List<Transform> list) {
        this.list = List.copyOf(list);
    }

    /** The given transforms in order. */
    public static Transforms of(Transform... transforms) {
        return new Transforms(List.of(transforms));
    }

    /** No transforms (for exact comparisons). */
    public static Transforms none() {
        return new Transforms(List.of());
    }

    /** Lucent's standard list: pad(12), jitter(8), scale, rotate, jitter(4). */
    public static Transforms standard() {
        return new Transforms(List.of(pad(12), jitter(8), scale(standardScales()), rotate(standardAngles()), jitter(4)));
    }

    /** The scales {0.90, 0.92, ..., 1.10}. */
    public static double[] standardScales() {
        double[] s = new double[11];
        for (int i = 0; i < 11; i++) s[i] = 1 + (i - 5) / 50.0;
        return s;
    }

    /** The angles -10..10 degrees and five more zeros (26 entries). */
    public static double[] standardAngles() {
        double[] a = new double[26];
        for (int i = 0; i <= 20; i++) a[i] = i - 10;
        return a;
    }

    /** The transforms in order. */
    public List<Transform> list() {
        return list;
    }

    /** Applies every transform in order. */
    public Tensor apply(Tensor x, double fill, Draws draws) {
        for (Transform t : list) x = t.apply(x, fill, draws);
        return x;
    }

    /** How many draws one application takes (jitter 2, scale 1, rotate 1, pad 0). */
    public int drawsPerStep() {
        int n = 0;
        for (Transform t : list) n += t instanceof Jitter ? 2 : t instanceof Scale || t instanceof Rotate ? 1 : 0;
        return n;
    }

    /** The list as text, e.g. "pad(12), jitter(8), scale, rotate, jitter(4)" ("none" when empty). */
    public String describe() {
        if (list.isEmpty()) return "none";
        List<String> parts = new ArrayList<>();
        for (Transform t : list) parts.add(t.describe());
        return String.join(", ", parts);
    }

    private static final Pattern ITEM = Pattern.compile("\\s*([a-z]+)\\s*(?:\\(\\s*([-0-9.,\\s]*)\\))?\\s*");

    /**
     * Parses "standard", "none" or a comma-separated list: pad(W), jitter(D), scale (the standard scales) or
     * scale(s1 s2 ...), rotate (the standard angles) or rotate(a1 a2 ...). Errors name the item.
     */
    public static Transforms parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("standard")) return standard();
        if (t.equals("none") || t.isEmpty()) return none();
        List<Transform> out = new ArrayList<>();
        // split on commas outside parentheses
        int depth = 0, start = 0;
        List<String> items = new ArrayList<>();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ',' && depth == 0) {
                items.add(t.substring(start, i));
                start = i + 1;
            }
        }
        items.add(t.substring(start));
        for (String item : items) {
            Matcher m = ITEM.matcher(item);
            if (!m.matches())
                throw new IllegalArgumentException("transform '" + item.strip() + "' is not NAME or NAME(ARGS); known: pad(W), jitter(D), scale, rotate");
            String name = m.group(1), args = m.group(2);
            double[] values = args == null || args.isBlank() ? new double[0] : numbers(args, item);
            switch (name) {
                case "pad" -> out.add(pad(intArg(values, item)));
                case "jitter" -> out.add(jitter(intArg(values, item)));
                case "scale" -> out.add(scale(values.length == 0 ? standardScales() : values));
                case "rotate" -> out.add(rotate(values.length == 0 ? standardAngles() : values));
                default -> throw new IllegalArgumentException("unknown transform '" + name + "'; known: pad(W), jitter(D), scale, rotate");
            }
        }
        return new Transforms(out);
    }

    private static double[] numbers(String args, String item) {
        String[] parts = args.strip().split("[\\s,]+");
        double[] v = new double[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) v[i] = Double.parseDouble(parts[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("transform '" + item.strip() + "': arguments must be numbers");
        }
        return v;
    }

    private static int intArg(double[] v, String item) {
        if (v.length != 1 || v[0] != Math.rint(v[0]) || v[0] < 1)
            throw new IllegalArgumentException("transform '" + item.strip() + "' takes one whole number of pixels, at least 1");
        return (int) v[0];
    }

    /** Constant padding of w pixels on every side. */
    public static Transform pad(int w) {
        return new Pad(w);
    }

    /** A whole-pixel shift by (dx, dy), each drawn from [0, d); the size stays, vacated pixels get the fill. */
    public static Transform jitter(int d) {
        return new Jitter(d);
    }

    /** Bilinear resize (align_corners=True) by a drawn factor to ceil(s * side), then centre pad or crop back. */
    public static Transform scale(double... factors) {
        return new Scale(factors);
    }

    /** Bilinear rotation by a drawn angle (degrees, counter-clockwise) about the centre; outside pixels get the fill. */
    public static Transform rotate(double... degrees) {
        return new Rotate(degrees);
    }

    record Pad(int w) implements Transform {
        @Override
        public Tensor apply(Tensor x, double fill, Draws draws) {
            return F.pad(x, w, w, w, w, fill);
        }

        @Override
        public String describe() {
            return "pad(" + w + ")";
        }
    }

    record Jitter(int d) implements Transform {
        @Override
        public Tensor apply(Tensor x, double fill, Draws draws) {
            int dx = draws.below(d), dy = draws.below(d);
            return shift(x, dy, dx, fill);
        }

        @Override
        public String describe() {
            return "jitter(" + d + ")";
        }
    }

    /** out(y, x) = in(y - dy, x - dx) for dy, dx >= 0, the fill where that is outside. */
    static Tensor shift(Tensor x, int dy, int dx, double fill) {
        if (dy == 0 && dx == 0) return x;
        long h = x.size(2), w = x.size(3);
        return F.crop(F.pad(x, dy, 0, dx, 0, fill), 0, 0, h, w);
    }

    record Scale(double[] factors) implements Transform {
        @Override
        public Tensor apply(Tensor x, double fill, Draws draws) {
            double s = factors[draws.below(factors.length)];
            int h = (int) x.size(2), w = (int) x.size(3);
            int nh = (int) Math.ceil(s * h - 1e-9), nw = (int) Math.ceil(s * w - 1e-9);
            if (nh == h && nw == w) return x;
            Tensor y = F.resizeBilinearAlignCorners(x, nh, nw);
            return centre(y, h, w, fill);
        }

        @Override
        public String describe() {
            return java.util.Arrays.equals(factors, standardScales()) ? "scale" : "scale(" + list(factors) + ")";
        }
    }

    /** Centre-crops or centre-pads (with the fill) each spatial dimension to h x w; odd remainders go to the end. */
    static Tensor centre(Tensor y, int h, int w, double fill) {
        int nh = (int) y.size(2), nw = (int) y.size(3);
        if (nh > h) y = F.slice(y, 2, (nh - h) / 2, (nh - h) / 2 + h);
        if (nw > w) y = F.slice(y, 3, (nw - w) / 2, (nw - w) / 2 + w);
        int ph = Math.max(0, h - nh), pw = Math.max(0, w - nw);
        if (ph > 0 || pw > 0) y = F.pad(y, ph / 2, ph - ph / 2, pw / 2, pw - pw / 2, fill);
        return y;
    }

    record Rotate(double[] degrees) implements Transform {
        @Override
        public Tensor apply(Tensor x, double fill, Draws draws) {
            double a = degrees[draws.below(degrees.length)];
            if (a == 0) return x;
            int h = (int) x.size(2), w = (int) x.size(3);
            // made anew each time (0.9 ms at 152x152, 1.9 ms at 248x248): a sampler per angle kept for the run held
            // 3 MB each at 248x248, about 60 MB of Java heap once a long run had drawn all twenty angles
            BilinearSampler sampler = BilinearSampler.rotation(h, w, a);
            // sampling x - fill with outside = 0, then adding fill back, gives the fill outside the picture
            return F.add(F.sampleBilinear(F.add(x, -fill), sampler), fill);
        }

        @Override
        public String describe() {
            return java.util.Arrays.equals(degrees, standardAngles()) ? "rotate" : "rotate(" + list(degrees) + ")";
        }
    }

    private static String list(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) sb.append(sb.length() == 0 ? "" : " ").append(d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d));
        return sb.toString();
    }
}
