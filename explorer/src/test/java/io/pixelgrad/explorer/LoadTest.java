package io.pixelgrad.explorer;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 50 clients for 30 seconds against 127.0.0.1, each a browser-like mix: the page, the model, overviews, scores,
 * units, quick attribution methods for random classes and colormaps, traces, uploads and long jobs followed through
 * their server-sent events. Every answer must be a success or a "busy" 503 (the designed answer to a full work
 * queue); no connection may fail or time out; and the server's memory must level off: the median of the resident
 * memory outside the Java heap over the last ten seconds may not exceed the middle ten seconds' median by more than
 * 200 MB. A leak of one network-sized array per request would grow it by gigabytes, and shifts every sample; a median
 * is not moved by a single high sample (a burst of concurrent passes, or the collector resizing its own structures).
 */
@Tag("load")
class LoadTest {

    static final int CLIENTS = 50;
    static final long SECONDS = 30;

    @Test
    void fiftyClientsForThirtySeconds() throws Exception {
        // a small cache, so that eviction happens during the run
        ExplorerConfig config = new ExplorerConfig("127.0.0.1", 0, 16L << 20, 25_000_000L, 12_000, 8, 2, 16, 1, 4, 32, 16, 4,
                32L << 20, 32, 4096, 120);
        try (ExplorerServer server = ExplorerServer.builder(Servers.alexnet16()).config(config).start()) {
            URI base = server.uri();
            byte[] photo = Files.readAllBytes(Servers.ZOO.resolve("images/chelsea.png"));
            byte[] small = Files.readAllBytes(Servers.ZOO.resolve("images/small.jpg"));
            String uploaded = new Http(server).post("/api/images", small, "image/jpeg").json().get("image").get("id").asText();
            List<String> images = List.of("sample-chelsea", "sample-coffee", uploaded);
            List<String> layers = new ArrayList<>();
            new Http(server).ok("/api/model").get("layers").forEach(l -> layers.add(l.get("name").asText()));
            List<String> quick = List.of("saliency", "guided", "deconv", "gradcam", "guided-gradcam", "input-x-gradient");

            Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
            List<String> errors = Collections.synchronizedList(new ArrayList<>());
            List<long[]> memory = Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime(), end = start + SECONDS * 1_000_000_000L;
            Thread sampler = new Thread(() -> {
                while (System.nanoTime() < end) {
                    Runtime r = Runtime.getRuntime();
                    // resident memory outside the Java heap's committed part: the arrays ND4J allocates natively
                    memory.add(new long[]{System.nanoTime() - start, rssBytes() - r.totalMemory(), r.totalMemory() - r.freeMemory()});
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            CountDownLatch finished = new CountDownLatch(CLIENTS);
            for (int c = 0; c < CLIENTS; c++) {
                Random random = new Random(c);
                Thread client = new Thread(() -> {
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
                    try {
                        while (System.nanoTime() < end) {
                            String image = images.get(random.nextInt(images.size()));
                            int roll = random.nextInt(100), cls = random.nextInt(10);
                            String what;
                            HttpRequest.Builder req;
                            if (roll < 15) {
                                what = List.of("/", "/explorer.js", "/explorer.css").get(random.nextInt(3));
                                req = HttpRequest.newBuilder(base.resolve(what));
                            } else if (roll < 25) {
                                req = HttpRequest.newBuilder(base.resolve(what = "/api/model"));
                            } else if (roll < 40) {
                                req = HttpRequest.newBuilder(base.resolve((what = "/api/overview") + "?image=" + image));
                            } else if (roll < 50) {
                                req = HttpRequest.newBuilder(base.resolve((what = "/api/scores") + "?image=" + image));
                            } else if (roll < 68) {
                                String layer = layers.get(random.nextInt(layers.size()));
                                req = HttpRequest.newBuilder(base.resolve((what = "/api/unit") + "?image=" + image + "&layer=" + layer
                                        + "&unit=" + random.nextInt(4)));
                            } else if (roll < 90) {
                                req = HttpRequest.newBuilder(base.resolve((what = "/api/attribution") + "?image=" + image + "&method="
                                        + quick.get(random.nextInt(quick.size())) + "&class=" + cls + "&colormap=" + (random.nextBoolean() ? "jet" : "hot")));
                            } else if (roll < 95) {
                                req = HttpRequest.newBuilder(base.resolve((what = "/api/trace") + "?image=" + image + "&class=" + cls));
                            } else if (roll < 98) {
                                req = HttpRequest.newBuilder(base.resolve(what = "/api/images")).header("Content-Type", "image/png")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(random.nextBoolean() ? photo : small));
                            } else {
                                req = HttpRequest.newBuilder(base.resolve((what = "/api/jobs") + "?image=" + image
                                        + "&method=smoothgrad&samples=4&seed=" + random.nextInt(3) + "&class=" + cls))
                                        .POST(HttpRequest.BodyPublishers.noBody());
                            }
                            HttpResponse<byte[]> r = http.send(req.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
                            String body = new String(r.body(), StandardCharsets.UTF_8);
                            counts.computeIfAbsent(r.statusCode() + "", k -> new AtomicLong()).incrementAndGet();
                            boolean fine = r.statusCode() == 200 || r.statusCode() == 202
                                    || r.statusCode() == 503 && body.contains("\"error\":\"busy: ");
                            if (!fine) errors.add(what + " -> " + r.statusCode() + " " + body.substring(0, Math.min(200, body.length())));
                            if (r.statusCode() == 202) follow(http, base, body, errors, counts);
                        }
                    } catch (Exception e) {
                        errors.add("client failed: " + e);
                    } finally {
                        finished.countDown();
                    }
                });
                client.setDaemon(true);
                client.start();
            }
            assertTrue(finished.await(SECONDS + 120, java.util.concurrent.TimeUnit.SECONDS), "clients did not finish");
            sampler.join();
            long total = counts.values().stream().mapToLong(AtomicLong::get).sum();
            System.out.printf("explorer load: %d requests in %d s from %d clients (%.0f/s), statuses %s, %d jobs followed%n",
                    total, SECONDS, CLIENTS, total / (double) SECONDS, counts, counts.getOrDefault("events", new AtomicLong()).get());
            long[] middleRange = nativeRange(memory, SECONDS / 3, 2 * SECONDS / 3), lastRange = nativeRange(memory, 2 * SECONDS / 3, SECONDS);
            long middle = middleRange[1], last = lastRange[1];
            long heap = memory.stream().mapToLong(m -> m[2]).max().orElse(0);
            System.out.printf("explorer load: resident memory outside the Java heap, median (max) %d (%d) MB in the middle ten "
                    + "seconds, %d (%d) MB in the last ten; heap in use max %d MB%n", middle >> 20, middleRange[2] >> 20,
                    last >> 20, lastRange[2] >> 20, heap >> 20);
            assertTrue(errors.isEmpty(), errors.size() + " errors, first: " + errors.subList(0, Math.min(10, errors.size())));
            assertTrue(counts.getOrDefault("200", new AtomicLong()).get() > 1000, "too few answers: " + counts);
            // The Java heap is bounded by -Xmx and grows as the collector decides (a committed heap that grows is not a
            // leak); what must not keep growing is the native memory of the arrays every request makes and frees.
            assertTrue(last <= middle + (200L << 20), "native memory kept growing: " + (middle >> 20) + " MB -> " + (last >> 20) + " MB");
            assertEquals(200, new Http(server).get("/api/model").status(), "the server is still up");
        }
    }

    /** Follows a job's server-sent events to its end; a job must end done (never failed). */
    private static void follow(HttpClient http, URI base, String startAnswer, List<String> errors, Map<String, AtomicLong> counts) throws Exception {
        String job = startAnswer.replaceAll(".*\"job\":\"([^\"]+)\".*", "$1");
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(base.resolve("/api/jobs/" + job + "/events"))
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() == 503) {
            r.body().close();
            return;
        }
        String last = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) if (line.startsWith("event: ")) last = line.substring(7);
        }
        counts.computeIfAbsent("events", k -> new AtomicLong()).incrementAndGet();
        if (!"done".equals(last)) errors.add("job " + job + " ended with " + last);
    }

    /** Minimum, median and maximum of the memory outside the heap sampled in [fromSecond, toSecond). */
    private static long[] nativeRange(List<long[]> samples, long fromSecond, long toSecond) {
        List<Long> in = new ArrayList<>();
        synchronized (samples) {
            for (long[] s : samples) if (s[0] >= fromSecond * 1_000_000_000L && s[0] < toSecond * 1_000_000_000L) in.add(s[1]);
        }
        if (in.isEmpty()) return new long[3];
        Collections.sort(in);
        return new long[]{in.get(0), in.get(in.size() / 2), in.get(in.size() - 1)};
    }

    /** This process's resident memory (Linux's VmRSS), or 0 where it cannot be read. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        } catch (Exception e) {
            // not Linux
        }
        return 0;
    }
}
