package io.pixelgrad.vis.render;

/** Maps a value in [0,1] to a colour, each by a small formula (nothing copied from a table). */
public enum Colormap {
    /** Blue, cyan, yellow, red: three overlapping triangles, the classic "jet". */
    JET {
        @Override
        public int rgb(double t) {
            return pack(clamp(1.5 - Math.abs(4 * t - 3)), clamp(1.5 - Math.abs(4 * t - 2)), clamp(1.5 - Math.abs(4 * t - 1)));
        }
    },
    /** Black, red, yellow, white: brightness grows steadily, so it prints well in grey too. */
    HOT {
        @Override
        public int rgb(double t) {
            return pack(clamp(3 * t), clamp(3 * t - 1), clamp(3 * t - 2));
        }
    },
    /**
     * Dark blue through teal to yellow (viridis-like): brightness rises linearly, hue turns from blue to yellow, so it
     * stays readable for colour-blind viewers and in grey.
     */
    VIRIDISH {
        @Override
        public int rgb(double t) {
            t = clamp(t);
            double r = clamp(0.27 + 0.05 * t - 1.3 * t * t * (1 - t) + 0.65 * t * t * t);
            double g = clamp(0.01 + 0.9 * t);
            double b = clamp(0.33 + 1.1 * t - 1.3 * t * t);
            return pack(r, g, b);
        }
    },
    /** Black to white. */
    GREY {
        @Override
        public int rgb(double t) {
            return pack(clamp(t), clamp(t), clamp(t));
        }
    };

    /** The packed 0xRRGGBB colour of t in [0,1] (values outside are clamped). */
    public abstract int rgb(double t);

    /** Packs three channels in [0,1] into 0xRRGGBB. */
    static int pack(double r, double g, double b) {
        return ((int) Math.round(255 * r) << 16) | ((int) Math.round(255 * g) << 8) | (int) Math.round(255 * b);
    }

    static double clamp(double v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }

    /** The colormap with this name (any case). */
    public static Colormap of(String name) {
        for (Colormap c : values()) if (c.name().equalsIgnoreCase(name)) return c;
        throw new IllegalArgumentException("unknown colormap '" + name + "' (jet, hot, viridish, grey)");
    }
}
