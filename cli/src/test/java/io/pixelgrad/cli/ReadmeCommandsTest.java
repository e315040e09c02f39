package io.pixelgrad.cli;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every `./pixelgrad ...` command of README.md whose files ship with the repository runs as written (paths resolved
 * from the repository root, --out redirected into a temporary directory) and succeeds: a README example that works.
 */
class ReadmeCommandsTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /**
     * Commands whose README examples take minutes to hours as written (15 epochs over a whole data set; TrainCommandTest
     * and ReadmeExampleTest run the same code on a slice) or run until stopped (serve, on port 8080; ServeCommandTest
     * starts and stops it on a free port).
     */
    static final java.util.Set<String> TOO_LONG = java.util.Set.of("train", "serve");

    @TempDir
    static Path tmp;

    /** The README's command lines, backslash continuations joined, comments dropped. */
    static List<String> commands() throws Exception {
        List<String> out = new ArrayList<>();
        boolean inCode = false;
        StringBuilder current = null;
        for (String line : Files.readAllLines(ROOT.resolve("README.md"))) {
            if (line.startsWith("```")) {
                inCode = !inCode;
                continue;
            }
            if (!inCode) continue;
            String l = line.replaceAll("\\s+#.*$", "").strip();
            if (current == null && !l.startsWith("./pixelgrad ")) continue;
            if (current == null) current = new StringBuilder();
            boolean more = l.endsWith("\\");
            current.append(more ? l.substring(0, l.length() - 1) : l).append(' ');
            if (!more) {
                out.add(current.toString().strip());
                current = null;
            }
        }
        return out;
    }

    /** Splits on spaces outside single or double quotes (what a shell does for these lines). */
    static List<String> words(String line) {
        List<String> w = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0;
                else sb.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (sb.length() > 0 || any) w.add(sb.toString());
                sb.setLength(0);
                any = false;
            } else {
                sb.append(c);
            }
        }
        if (sb.length() > 0 || any) w.add(sb.toString());
        return w;
    }

    @TestFactory
    Stream<DynamicTest> readmeCommandsRun() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        int n = 0;
        for (String cmd : commands()) {
            List<String> args = words(cmd);
            args.remove(0);   // ./pixelgrad
            boolean runnable = true;
            List<String> resolved = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                String prev = i > 0 ? args.get(i - 1) : "";
                if (prev.equals("--out") || prev.equals("-o")) {
                    resolved.add(tmp.resolve("out" + n).resolve(a).toString());
                } else if (prev.equals("--weights") || prev.equals("-w") || prev.equals("--image") || prev.equals("-i")
                        || prev.equals("--style") || prev.equals("--content")) {
                    Path p = ROOT.resolve(a);
                    if (!Files.exists(p)) runnable = false;      // a user's own file (vgg16.pth, cat.jpg)
                    resolved.add(p.toString());
                } else if (a.endsWith(".npy")) {
                    runnable = false;                            // compare of the user's own arrays
                    resolved.add(a);
                } else {
                    resolved.add(a);
                }
            }
            if (!runnable || args.isEmpty() || args.get(0).startsWith("-") || TOO_LONG.contains(args.get(0))) continue;
            n++;
            tests.add(DynamicTest.dynamicTest(cmd, () -> {
                StringWriter out = new StringWriter(), err = new StringWriter();
                int code = Pixelgrad.run(new PrintWriter(out), new PrintWriter(err), resolved.toArray(new String[0]));
                assertEquals(0, code, cmd + "\n" + err);
            }));
        }
        assertFalse(tests.isEmpty(), "the README has runnable examples");
        assertTrue(tests.size() >= 4, "explain, maximize, dream and saliency examples at least: " + tests.size());
        return tests.stream();
    }
}
