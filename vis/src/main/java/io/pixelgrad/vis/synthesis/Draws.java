package io.pixelgrad.vis.synthesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Where random transforms get their choices: an index in [0, n) per draw. A run draws from a generator seeded by the
 * run's seed; tests replay a recorded list of draws (the same list the PyTorch reference used).
 */
public interface Draws {

    /** The next choice, uniform in [0, n). */
    int below(int n);

    /** Draws from java.util.Random with this seed (the same sequence on every machine and JVM). */
    static Draws seeded(long seed) {
        return seeded(new Random(seed));
    }

    /** Draws from a generator. */
    static Draws seeded(Random random) {
        return random::nextInt;
    }

    /** Replays given choices in order; asking for more than were given, or a choice out of range, is an error. */
    static Draws fixed(int... choices) {
        return new Draws() {
            private int next;

            @Override
            public int below(int n) {
                if (next >= choices.length) throw new IllegalStateException("only " + choices.length + " draws were given");
                int c = choices[next++];
                if (c < 0 || c >= n) throw new IllegalStateException("draw " + (next - 1) + " is " + c + ", not in [0, " + n + ")");
                return c;
            }
        };
    }

    /** Records every choice made by another source (to report or replay a run's transform draws). */
    final class Recorder implements Draws {
        private final Draws source;
        private final List<Integer> made = new ArrayList<>();

        /** Records the choices of source. */
        public Recorder(Draws source) {
            this.source = source;
        }

        @Override
        public int below(int n) {
            int c = source.below(n);
            made.add(c);
            return c;
        }

        /** The choices made so far. */
        public List<Integer> choices() {
            return List.copyOf(made);
        }
    }
}
