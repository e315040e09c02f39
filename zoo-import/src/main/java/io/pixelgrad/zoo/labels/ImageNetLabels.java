package io.pixelgrad.zoo.labels;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The 1,000 ImageNet (ILSVRC2012) classes in the order every torchvision and Caffe classifier uses. Each class has
 * the WordNet synonyms of its synset ("great white shark, white shark, man-eater, ..."); its display name is the
 * first. Classes can be looked up by index or by name (any synonym, any case, exact or an unambiguous prefix).
 */
public final class ImageNetLabels {

    private static final String RESOURCE = "imagenet_classes.txt";
    private static volatile ImageNetLabels instance;

    private final List<List<String>> synonyms;

    private ImageNetLabels(List<List<String>> synonyms) {
        this.synonyms = synonyms;
    }

    /** The shared table, read once from the class path. */
    public static ImageNetLabels get() {
        ImageNetLabels l = instance;
        if (l == null) {
            synchronized (ImageNetLabels.class) {
                if (instance == null) instance = load();
                l = instance;
            }
        }
        return l;
    }

    private static ImageNetLabels load() {
        try (InputStream in = ImageNetLabels.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " missing from the class path");
            List<List<String>> rows = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                List<String> names = new ArrayList<>();
                for (String s : line.split(",")) if (!s.isBlank()) names.add(s.strip());
                rows.add(List.copyOf(names));
            }
            if (rows.size() != 1000) throw new IllegalStateException(RESOURCE + " has " + rows.size() + " classes, not 1000");
            return new ImageNetLabels(List.copyOf(rows));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Number of classes (1000). */
    public int size() {
        return synonyms.size();
    }

    /** The display name of a class: its first synonym, e.g. "tabby" for 281. */
    public String name(int index) {
        return synonyms(index).get(0);
    }

    /** Every synonym of a class, e.g. ["tabby", "tabby cat"]. */
    public List<String> synonyms(int index) {
        if (index < 0 || index >= synonyms.size())
            throw new IndexOutOfBoundsException("class index " + index + " is outside 0.." + (synonyms.size() - 1));
        return synonyms.get(index);
    }

    /**
     * The index of a class given as a number ("281") or a name ("tabby cat", "Tabby", "persian"): an exact synonym
     * (ignoring case) wins, else a prefix that only one class's synonyms start with. Ambiguity or no match is an
     * error listing the candidates or the closest names.
     *
     * @throws UnknownClassException if no class or more than one class matches
     */
    public int resolve(String query) throws UnknownClassException {
        return resolve(query, synonyms.size());
    }

    /**
     * Like {@link #resolve(String)} for a model with {@code numClasses} outputs: an index must be below it, and names
     * are only meaningful for 1000-class (ImageNet) models.
     *
     * @throws UnknownClassException if no class or more than one class matches, or the index is not below numClasses
     */
    public int resolve(String query, long numClasses) throws UnknownClassException {
        String q = query == null ? "" : query.strip();
        if (q.isEmpty()) throw new UnknownClassException("empty class name; give an index 0.." + (numClasses - 1) + " or an ImageNet class name");
        if (q.matches("[0-9]+")) {
            long i;
            try {
                i = Long.parseLong(q);
            } catch (NumberFormatException e) {
                i = Long.MAX_VALUE;
            }
            if (i >= numClasses) throw new UnknownClassException("class " + q + " out of range: the model has " + numClasses + " classes");
            return (int) i;
        }
        if (numClasses != synonyms.size())
            throw new UnknownClassException("class '" + q + "': names are ImageNet's, but this model has " + numClasses
                    + " classes; give an index 0.." + (numClasses - 1));
        String lower = q.toLowerCase(Locale.ROOT);
        Set<Integer> exact = new TreeSet<>(), prefix = new TreeSet<>();
        for (int i = 0; i < synonyms.size(); i++) {
            for (String s : synonyms.get(i)) {
                String sl = s.toLowerCase(Locale.ROOT);
                if (sl.equals(lower)) exact.add(i);
                else if (sl.startsWith(lower)) prefix.add(i);
            }
        }
        if (exact.size() == 1) return exact.iterator().next();
        if (exact.size() > 1) throw new UnknownClassException("class name '" + q + "' is ambiguous: " + describe(exact) + "; give the index");
        if (prefix.size() == 1) return prefix.iterator().next();
        if (prefix.size() > 1) {
            throw new UnknownClassException("class name '" + q + "' is ambiguous: it starts " + prefix.size() + " class names, e.g. "
                    + describe(prefix.stream().limit(5).toList()) + "; type more of the name or give the index");
        }
        throw new UnknownClassException("unknown class name '" + q + "'; closest: " + describe(closest(lower, 5)));
    }

    private String describe(java.util.Collection<Integer> indices) {
        List<String> parts = new ArrayList<>();
        for (int i : indices) parts.add(i + " (" + name(i) + ")");
        return String.join(", ", parts);
    }

    /** The classes whose nearest synonym is closest to the query by edit distance. */
    List<Integer> closest(String lower, int count) {
        List<int[]> scored = new ArrayList<>();
        for (int i = 0; i < synonyms.size(); i++) {
            int best = Integer.MAX_VALUE;
            for (String s : synonyms.get(i)) best = Math.min(best, distance(lower, s.toLowerCase(Locale.ROOT)));
            scored.add(new int[]{best, i});
        }
        scored.sort(Comparator.<int[]>comparingInt(a -> a[0]).thenComparingInt(a -> a[1]));
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < count && k < scored.size(); k++) out.add(scored.get(k)[1]);
        return out;
    }

    // Levenshtein distance, two rows.
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
