package io.pixelgrad.explorer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.vis.ProgressListener;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Work in the explorer: answers are cached and shared, the work lanes answer "busy" when full, long jobs stream their
 * progress as server-sent events and can be cancelled. Blocking feature visualizers (the synthesis extension point)
 * make the timing deterministic.
 */
class WorkTest {

    /** One server-sent event. */
    record Event(String name, String data) {
    }

    /** Reads a job's events until it finishes (or the limit of events), calling back after each. */
    static List<Event> events(ExplorerServer server, String job, java.util.function.Consumer<Event> each) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(server.uri().resolve("/api/jobs/" + job + "/events")).GET().build();
        HttpResponse<InputStream> resp = HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, resp.statusCode());
        assertTrue(resp.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<Event> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            String name = null;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("event: ")) name = line.substring(7);
                else if (line.startsWith("data: ")) {
                    Event e = new Event(name, line.substring(6));
                    events.add(e);
                    each.accept(e);
                }
            }
        }
        return events;
    }

    @Test
    void answersAreCachedAndShared() throws Exception {
        try (ExplorerServer server = Servers.start(Servers.alexnet16())) {
            Http http = new Http(server);
            Http.Answer first = http.get("/api/unit?image=sample-chelsea&layer=features.4&unit=3");
            Http.Answer second = http.get("/api/unit?image=sample-chelsea&layer=features.4&unit=3");
            assertEquals("miss", first.header("X-Pixelgrad-Cache"));
            assertEquals("hit", second.header("X-Pixelgrad-Cache"));
            assertEquals(first.text(), second.text());
            assertEquals("hit", http.get("/api/overview?image=sample-chelsea").header("X-Pixelgrad-Cache"), "warmed at start");
        }
    }

    @Test
    void fullLanesAnswerBusy() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FeatureVisualizer blocking = (model, layer, channel, progress) -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
        };
        ExplorerConfig one = ExplorerConfig.defaults().lanes(1, 1, 1, 1);
        try (ExplorerServer server = ExplorerServer.builder(Servers.alexnet16()).config(one.at("127.0.0.1", 0))
                .featureVisualizer(blocking).start()) {
            Http http = new Http(server);
            String running = http.post("/api/jobs?kind=synthesis&layer=features.0&unit=0", new byte[0], "text/plain").json().get("job").asText();
            String waiting = http.post("/api/jobs?kind=synthesis&layer=features.0&unit=1", new byte[0], "text/plain").json().get("job").asText();
            assertEquals(running, http.post("/api/jobs?kind=synthesis&layer=features.0&unit=0", new byte[0], "text/plain")
                    .json().get("job").asText(), "the same work joins the same job");
            Http.Answer busy = http.post("/api/jobs?kind=synthesis&layer=features.0&unit=2", new byte[0], "text/plain");
            assertEquals(503, busy.status(), busy.text());
            assertTrue(busy.json().get("error").asText().startsWith("busy: 1 slow computations running and 1 waiting"), busy.text());
            assertEquals("1", busy.header("Retry-After"));
            assertEquals(200, http.get("/api/model").status(), "a full lane does not stop the page");
            // cancelling the waiting job frees its place at once
            assertEquals("cancelled", http.post("/api/jobs/" + waiting + "/cancel", new byte[0], "text/plain").json().get("state").asText());
            List<Event> gone = events(server, waiting, e -> { });
            assertEquals("cancelled", gone.get(gone.size() - 1).name());
            String third = http.post("/api/jobs?kind=synthesis&layer=features.0&unit=3", new byte[0], "text/plain").json().get("job").asText();
            release.countDown();
            for (String job : List.of(running, third)) {
                List<Event> ev = events(server, job, e -> { });
                assertEquals("done", ev.get(ev.size() - 1).name(), ev.toString());
            }
            Http.Answer again = http.post("/api/jobs?kind=synthesis&layer=features.0&unit=2", new byte[0], "text/plain");
            assertEquals(202, again.status(), "room again once the lane drained: " + again.text());
        }
    }

    @Test
    void quickLaneRefusesBeyondItsQueue() throws Exception {
        try (WorkQueue lane = new WorkQueue("quick", 1, 2)) {
            CountDownLatch release = new CountDownLatch(1);
            List<Future<Integer>> accepted = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int k = i;
                accepted.add(lane.submit(() -> {
                    release.await();
                    return k;
                }));
            }
            ApiException e = assertThrows(ApiException.class, () -> lane.submit(() -> 3));
            assertEquals(503, e.status());
            release.countDown();
            for (int i = 0; i < 3; i++) assertEquals(i, accepted.get(i).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void longJobStreamsProgressAndItsResultIsKept() throws Exception {
        try (ExplorerServer server = Servers.start(Servers.alexnet16())) {
            Http http = new Http(server);
            String q = "/api/jobs?image=sample-chelsea&method=smoothgrad&samples=12&class=3";
            Http.Answer start = http.post(q, new byte[0], "text/plain");
            assertEquals(202, start.status(), start.text());
            List<Event> ev = events(server, start.json().get("job").asText(), e -> { });
            Event done = ev.get(ev.size() - 1);
            assertEquals("done", done.name(), ev.toString());
            long progress = ev.stream().filter(e -> "progress".equals(e.name())).count();
            assertTrue(progress >= 1, "progress events: " + ev);
            for (Event e : ev)
                if ("progress".equals(e.name())) {
                    JsonNode p = new ObjectMapper().readTree(e.data());
                    assertTrue(p.get("total").asInt() == 12 || p.get("state").asText().equals("running"), e.data());
                }
            JsonNode result = new ObjectMapper().readTree(done.data());
            assertEquals(3, result.get("class").asInt());
            assertEquals(12, result.get("parameters").get("samples").asInt());
            assertTrue(result.get("images").get("gradient").asText().startsWith("data:image/png;base64,"));
            Http.Answer kept = http.post(q, new byte[0], "text/plain");
            assertEquals(200, kept.status());
            assertEquals("done", kept.json().get("state").asText());
            assertEquals(result, kept.json().get("result"));
            assertEquals(result, http.ok("/api/attribution?image=sample-chelsea&method=smoothgrad&samples=12&class=3"));
        }
    }

    @Test
    void cancelStopsALongJob() throws Exception {
        AtomicBoolean stoppedByCancel = new AtomicBoolean();
        FeatureVisualizer endless = (model, layer, channel, progress) -> {
            try {
                for (int step = 1; ; step++) {
                    progress.progress(step, 1_000_000);
                    Thread.sleep(5);
                }
            } catch (java.util.concurrent.CancellationException e) {
                stoppedByCancel.set(true);
                throw e;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        try (ExplorerServer server = ExplorerServer.builder(Servers.alexnet16()).config(ExplorerConfig.defaults().at("127.0.0.1", 0))
                .featureVisualizer(endless).start()) {
            Http http = new Http(server);
            assertTrue(http.ok("/api/model").get("synthesis").asBoolean());
            String job = http.post("/api/jobs?kind=synthesis&layer=features.4&unit=7", new byte[0], "text/plain").json().get("job").asText();
            AtomicBoolean asked = new AtomicBoolean();
            List<Event> ev = events(server, job, e -> {
                if ("progress".equals(e.name()) && !asked.getAndSet(true)) {
                    try {
                        assertEquals(200, http.post("/api/jobs/" + job + "/cancel", new byte[0], "text/plain").status());
                    } catch (Exception x) {
                        throw new AssertionError(x);
                    }
                }
            });
            assertEquals("cancelled", ev.get(ev.size() - 1).name(), ev.toString());
            assertTrue(stoppedByCancel.get(), "the computation itself stopped");
            long until = System.currentTimeMillis() + 5000;
            while (http.ok("/api/status").get("slow").asInt() > 0 && System.currentTimeMillis() < until) Thread.sleep(20);
            assertEquals(0, http.ok("/api/status").get("slow").asInt(), "the lane is free again");
            String again = http.post("/api/jobs?kind=synthesis&layer=features.4&unit=7", new byte[0], "text/plain").json().get("job").asText();
            assertFalse(again.equals(job), "a cancelled job is not reused");
            http.post("/api/jobs/" + again + "/cancel", new byte[0], "text/plain");
        }
    }
}
