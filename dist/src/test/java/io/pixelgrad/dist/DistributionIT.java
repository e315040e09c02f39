package io.pixelgrad.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zip as a user gets it: unpacked with {@code unzip} into a temporary folder and run through {@code bin/pixelgrad}
 * with a PATH that holds a Java runtime, bash and a few core utilities, and no Maven.
 */
class DistributionIT {

    private static final Path ZIP = Path.of(System.getProperty("pixelgrad.zip"));
    private static final String VERSION = System.getProperty("pixelgrad.version");
    /** What the launcher calls besides java: nothing else is on the PATH the tests give it. */
    private static final List<String> TOOLS = List.of("bash", "dirname", "readlink", "sed", "head", "nproc");

    @TempDir
    static Path work;
    static Path home;
    static Path path;

    @BeforeAll
    static void unpack() throws Exception {
        assertTrue(Files.isRegularFile(ZIP), "mvn package writes " + ZIP);
        Path unpacked = Files.createDirectories(work.resolve("unpacked"));
        Result unzip = run(unpacked, Map.of(), "unzip", "-q", ZIP.toString());
        assertEquals(0, unzip.exit, unzip.err);
        home = unpacked.resolve("pixelgrad-" + VERSION);
        path = Files.createDirectories(work.resolve("path"));
        for (String tool : TOOLS) Files.createSymbolicLink(path.resolve(tool), which(tool));
        Files.createSymbolicLink(path.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    @Test
    void theZipHoldsTheLauncherTheJarTheLicencesAndTheReadme() throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(ZIP.toFile())) {
            zip.stream().map(ZipEntry::getName).forEach(names::add);
        }
        String root = "pixelgrad-" + VERSION + "/";
        for (String file : List.of("bin/pixelgrad", "lib/pixelgrad.jar", "LICENSE", "licenses/THIRD-PARTY.txt", "README.md"))
            assertTrue(names.contains(root + file), root + file + " in " + names);
        assertTrue(Files.isExecutable(home.resolve("bin/pixelgrad")), "unzip keeps the launcher executable");
        String thirdParty = Files.readString(home.resolve("licenses/THIRD-PARTY.txt"));
        for (String dependency : List.of("nd4j-native", "picocli", "jackson-databind", "protobuf-java"))
            assertTrue(thirdParty.contains(dependency), "THIRD-PARTY.txt lists " + dependency);
    }

    @Test
    void versionRunsWithoutMaven() throws Exception {
        assertNotEquals(0, run(work, env(), "bash", "-c", "command -v mvn").exit, "no Maven on the test's PATH");
        Result r = run(work, env(), home.resolve("bin/pixelgrad").toString(), "--version");
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.startsWith("pixelgrad " + VERSION + "\n"), r.out);
        assertTrue(r.out.contains("Java " + System.getProperty("java.version")), r.out);
    }

    @Test
    void anExplanationRunsFromAnotherDirectoryThroughASymlink() throws Exception {
        Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
        Path link = elsewhere.resolve("pg");
        Files.createSymbolicLink(link, home.resolve("bin/pixelgrad"));
        Result r = run(elsewhere, env(), link.toString(), "guided", "--out", "out");
        assertEquals(0, r.exit, r.err);
        Path out = elsewhere.resolve("out");
        for (String file : List.of("guided.png", "guided.npy", "guided.json"))
            assertTrue(Files.size(out.resolve(file)) > 0, file);
        JsonNode json = new ObjectMapper().readTree(out.resolve("guided.json").toFile());
        assertEquals(VERSION, json.get("pixelgrad_version").asText(), json.toString());
        assertEquals("guided", json.get("method").asText(), json.toString());
    }

    @Test
    void badInputIsOneLineAndNoOutput() throws Exception {
        Result r = run(work, env(), home.resolve("bin/pixelgrad").toString(), "guided", "--image", "no-such.png", "--out", "bad");
        assertEquals(1, r.exit, r.err);
        assertEquals(1, r.err.strip().lines().count(), r.err);
        assertFalse(Files.exists(work.resolve("bad")), "nothing written");
    }

    @Test
    void anOldJavaIsRefusedWithAClearMessage() throws Exception {
        Path fakeJdk = Files.createDirectories(work.resolve("jdk11/bin"));
        Files.writeString(fakeJdk.getParent().resolve("release"), "JAVA_VERSION=\"11.0.2\"\n");
        Path fakeJava = fakeJdk.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\nexit 99\n");
        assertTrue(fakeJava.toFile().setExecutable(true));
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("JAVA_HOME", fakeJdk.getParent().toString());
        Result r = run(work, env, home.resolve("bin/pixelgrad").toString(), "--version");
        assertEquals(3, r.exit, r.err);
        assertTrue(r.err.contains("needs Java 17 or newer") && r.err.contains("Java 11"), r.err);
    }

    private static Map<String, String> env() {
        return Map.of("PATH", path.toString(), "HOME", System.getProperty("user.home"));
    }

    private static Path which(String tool) {
        for (String dir : System.getenv("PATH").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p;
        }
        throw new IllegalStateException(tool + " is not on PATH");
    }

    private record Result(int exit, String out, String err) {
    }

    /** Runs a command with exactly the given environment (plus the OpenMP settings of this build) in a directory. */
    private static Result run(Path dir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        for (String k : List.of("OMP_NUM_THREADS", "OMP_WAIT_POLICY"))
            if (System.getenv(k) != null) pb.environment().put(k, System.getenv(k));
        Process p = pb.start();
        p.getOutputStream().close();
        String[] streams = new String[2];
        Thread errReader = new Thread(() -> streams[1] = read(p.getErrorStream()));
        errReader.start();
        streams[0] = read(p.getInputStream());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "finished within 5 minutes: " + String.join(" ", command));
        errReader.join();
        return new Result(p.exitValue(), streams[0], streams[1]);
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
