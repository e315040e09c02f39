package io.pixelgrad.explorer;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pixelgrad.engine.Arrays;
import io.pixelgrad.engine.Npy;
import io.pixelgrad.vis.Passes;
import io.pixelgrad.vis.render.Colormap;
import io.pixelgrad.zoo.images.RgbImage;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code pixelgrad serve}: one page and its JSON API on the JDK's built-in HTTP server ({@code com.sun.net.httpserver},
 * no dependencies), bound to loopback unless told otherwise.
 *
 * <p>Three kinds of threads: a bounded pool answers HTTP requests; a "quick" work lane computes views (overview,
 * scores, unit, gradient maps, trace) and a "slow" lane runs long jobs (occlusion, SmoothGrad, integrated gradients,
 * feature visualization) whose progress streams to the page as server-sent events. Both lanes have fixed queues and
 * answer 503 "busy" when full: the workers bound memory under load, the queues the backlog. Answers are cached by
 * (model, image, view or method, parameters).
 *
 * <p>Safety: the page and its two files are served from memory by exact path (no request ever names a file); image ids
 * are keys into an in-memory store; uploads are capped in bytes and pixels and must be PNG, JPEG, BMP or GIF; requests
 * whose Host header is not this loopback address are refused (a guard against DNS rebinding), and so are cross-origin
 * POSTs.
 */
public final class ExplorerServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.pixelgrad.explorer");
    private static final String WEB = "io/pixelgrad/explorer/web/";
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** Static files: exact request path to (resource, content type). Nothing else is ever served from the jar. */
    private static final Map<String, String[]> STATIC = Map.of(
            "/", new String[]{"index.html", "text/html; charset=utf-8"},
            "/index.html", new String[]{"index.html", "text/html; charset=utf-8"},
            "/explorer.js", new String[]{"explorer.js", "text/javascript; charset=utf-8"},
            "/explorer.css", new String[]{"explorer.css", "text/css; charset=utf-8"},
            "/favicon.svg", new String[]{"favicon.svg", "image/svg+xml"});

    /** How a server is put together before it starts. */
    public static final class Builder {
        private final ModelSource source;
        private ExplorerConfig config = ExplorerConfig.defaults();
        private FeatureVisualizer visualizer;

        private Builder(ModelSource source) {
            this.source = source;
        }

        /** Address and limits (default {@link ExplorerConfig#defaults()}). */
        public Builder config(ExplorerConfig c) {
            this.config = c;
            return this;
        }

        /** Plugs in feature visualization (the synthesis extension point); without it the page greys the panel out. */
        public Builder featureVisualizer(FeatureVisualizer v) {
            this.visualizer = v;
            return this;
        }

        /**
         * Prepares the first sample, learns the layers (one forward pass, which also warms up the native code), computes
         * the first sample's overview and binds the address. A port in use is an IOException naming it.
         *
         * @throws IOException if the address cannot be bound (the message names the port)
         */
        public ExplorerServer start() throws IOException {
            return new ExplorerServer(source, config, visualizer);
        }
    }

    private final ModelSource source;
    private final ExplorerConfig config;
    private final Explorer explorer;
    private final ImageStore images;
    private final ResultCache cache;
    private final Jobs jobs = new Jobs(64);
    private final WorkQueue quick, slow;
    private final Semaphore streams, uploads;
    private final ThreadPoolExecutor httpPool;
    private final HttpServer http;
    private final Map<String, byte[]> files = new HashMap<>();
    private final byte[] modelInfo;
    private final boolean loopback;
    private final String boundAuthority;

    /** A builder for a server showing this source's model. */
    public static Builder builder(ModelSource source) {
        return new Builder(source);
    }

    private ExplorerServer(ModelSource source, ExplorerConfig config, FeatureVisualizer visualizer) throws IOException {
        this.source = source;
        this.config = config;
        if (source.samples().isEmpty()) throw new IllegalArgumentException("the model source offers no sample picture");
        this.images = new ImageStore(source, config.maxUploads());
        PreparedImage first = images.get(source.samples().get(0).id());
        this.explorer = new Explorer(source, config, visualizer, first);
        this.cache = new ResultCache(config.cacheBytes());
        // the page opens on the first sample: its answers are ready before the first visitor
        cache.put(key("overview", first.id()), explorer.firstOverview());
        cache.put(key("scores", first.id(), 10), explorer.scores(first, 10));
        this.modelInfo = Explorer.json(explorer.modelInfo(images.describeSamples(), config));
        for (String[] f : STATIC.values()) files.put(f[0], resource(WEB + f[0]));
        this.quick = new WorkQueue("quick", config.quickWorkers(), config.quickQueue());
        this.slow = new WorkQueue("slow", config.slowWorkers(), config.slowQueue());
        this.streams = new Semaphore(config.maxEventStreams());
        this.uploads = new Semaphore(config.maxConcurrentUploads());
        InetAddress address = InetAddress.getByName(config.host());
        this.loopback = address.isLoopbackAddress();
        try {
            this.http = HttpServer.create(new InetSocketAddress(address, config.port()), 128);
        } catch (BindException e) {
            quick.close();
            slow.close();
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + " (" + e.getMessage()
                    + "); is another server using the port? choose another with --port", e);
        }
        AtomicInteger n = new AtomicInteger();
        // Requests wait here, not in the work lanes: a long queue of cheap HTTP work, never of network-sized arrays.
        this.httpPool = new ThreadPoolExecutor(config.httpThreads(), config.httpThreads(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "pixelgrad-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        http.setExecutor(httpPool);
        http.createContext("/", this::handle);
        http.start();
        this.boundAuthority = authority(config.host(), http.getAddress().getPort());
    }

    /** The page's address, e.g. http://127.0.0.1:8080/ (on all interfaces: the loopback address to open here). */
    public URI uri() {
        InetAddress a = http.getAddress().getAddress();
        return URI.create("http://" + (a.isAnyLocalAddress() ? authority("127.0.0.1", port()) : boundAuthority) + "/");
    }

    /** The port bound (useful with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The model source shown. */
    public ModelSource source() {
        return source;
    }

    @Override
    public void close() {
        http.stop(0);
        quick.close();
        slow.close();
        httpPool.shutdownNow();
        explorer.close();
    }

    private static String authority(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ExplorerServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IOException("the explorer's " + name + " is missing from the jar");
            return in.readAllBytes();
        }
    }

    private String key(String view, String image, Object... parts) {
        StringBuilder sb = new StringBuilder(source.id()).append('|').append(view).append('|').append(image);
        for (Object p : parts) sb.append('|').append(p);
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------------------- dispatch

    private void handle(HttpExchange ex) {
        try (ex) {
            try {
                guard(ex);
                String path = ex.getRequestURI().getRawPath();
                String method = ex.getRequestMethod();
                if (path.startsWith("/api/")) api(ex, method, path, query(ex));
                else page(ex, method, path);
            } catch (ApiException e) {
                error(ex, e.status(), e.getMessage());
            } catch (IllegalArgumentException e) {
                error(ex, 400, e.getMessage());
            } catch (IOException e) {
                // the client went away mid-answer: nothing to tell anyone
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "explorer: internal error on " + ex.getRequestURI(), e);
                error(ex, 500, "internal error: " + e);
            }
        }
    }

    /** Refuses requests for another host name (DNS rebinding) and cross-origin writes. */
    private void guard(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        int port = port();
        if (loopback && host != null && !List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, boundAuthority)
                .contains(host.toLowerCase(Locale.ROOT)))
            throw new ApiException(403, "this explorer answers only to http://127.0.0.1:" + port + "/ or http://localhost:" + port + "/");
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin != null && !ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")
                && (host == null || !origin.equalsIgnoreCase("http://" + host)))
            throw new ApiException(403, "cross-origin request refused");
    }

    private void page(HttpExchange ex, String method, String path) throws IOException {
        String[] f = STATIC.get(path);
        if (f == null) throw new ApiException(404, "no page " + ImageStore.clip(path) + " (the explorer is at /)");
        if (!method.equals("GET") && !method.equals("HEAD")) throw new ApiException(405, method + " not allowed on " + path);
        Headers h = ex.getResponseHeaders();
        if (f[1].startsWith("text/html")) h.set("Content-Security-Policy", CSP);
        send(ex, 200, f[1], files.get(f[0]));
    }

    private void api(HttpExchange ex, String method, String path, Map<String, String> q) throws IOException {
        boolean get = method.equals("GET") || method.equals("HEAD"), post = method.equals("POST");
        if (path.startsWith("/api/jobs/")) {
            String[] parts = path.substring("/api/jobs/".length()).split("/", -1);
            if (parts.length == 2 && parts[1].equals("events") && get) {
                events(ex, jobs.get(parts[0]));
                return;
            }
            if (parts.length == 2 && parts[1].equals("cancel") && post) {
                drain(ex);
                send(ex, 200, Jobs.describe(jobs.cancel(parts[0])));
                return;
            }
            throw new ApiException(404, "no such job action: " + ImageStore.clip(path));
        }
        switch (path) {
            case "/api/model" -> {
                requireMethod(get, method, path);
                send(ex, 200, "application/json", modelInfo);
            }
            case "/api/status" -> {
                requireMethod(get, method, path);
                send(ex, 200, Explorer.ordered("quick", quick.load(), "slow", slow.load(), "cacheBytes", cache.size()));
            }
            case "/api/images" -> {
                requireMethod(post, method, path);
                upload(ex, q);
            }
            case "/api/overview" -> {
                requireMethod(get, method, path);
                PreparedImage img = images.get(q.get("image"));
                answer(ex, key("overview", img.id()), quick, () -> explorer.overview(img));
            }
            case "/api/scores" -> {
                requireMethod(get, method, path);
                PreparedImage img = images.get(q.get("image"));
                int top = intParam(q, "top", 10, 1, 1_000_000);
                answer(ex, key("scores", img.id(), top), quick, () -> explorer.scores(img, top));
            }
            case "/api/unit" -> {
                requireMethod(get, method, path);
                PreparedImage img = images.get(q.get("image"));
                String layer = explorer.layer(q.get("layer")).name();
                int unit = intParam(q, "unit", null, 0, Integer.MAX_VALUE);
                answer(ex, key("unit", img.id(), layer, unit), quick, () -> explorer.unit(img, layer, unit));
            }
            case "/api/trace" -> {
                requireMethod(get, method, path);
                PreparedImage img = images.get(q.get("image"));
                Integer cls = classParam(q);
                answer(ex, key("trace", img.id(), cls == null ? "top" : cls), quick, () -> explorer.trace(img, cls));
            }
            case "/api/attribution", "/api/attribution.npy" -> {
                requireMethod(get, method, path);
                Call c = call(q);
                Result r = await(cache.get(c.key, c.method.slow() ? slow : quick, () -> c.compute(null)).future());
                if (path.endsWith(".npy")) {
                    ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + c.method.name() + ".npy\"");
                    send(ex, 200, "application/octet-stream", npy(r));
                } else {
                    send(ex, 200, "application/json", r.json());
                }
            }
            case "/api/jobs" -> {
                requireMethod(post, method, path);
                drain(ex);
                startJob(ex, q);
            }
            default -> throw new ApiException(404, "no API " + ImageStore.clip(path));
        }
    }

    private static void requireMethod(boolean ok, String method, String path) {
        if (!ok) throw new ApiException(405, method + " not allowed on " + path);
    }

    // ------------------------------------------------------------------------------------------- views

    /** An attribution request, checked: what to compute and its cache key. */
    private final class Call {
        final PreparedImage img;
        final Methods.Method method;
        final Map<String, Object> params;
        final Integer cls;
        final Colormap colormap;
        final String key;

        Call(PreparedImage img, Methods.Method method, Map<String, Object> params, Integer cls, Colormap colormap) {
            this.img = img;
            this.method = method;
            this.params = params;
            this.cls = cls;
            this.colormap = colormap;
            this.key = key("attribution", img.id(), method.name(), cls == null ? "top" : cls, colormap, Methods.key(params));
        }

        Result compute(io.pixelgrad.vis.ProgressListener progress) {
            return explorer.attribution(img, method, params, cls, colormap,
                    progress == null ? io.pixelgrad.vis.ProgressListener.NONE : progress);
        }
    }

    private Call call(Map<String, String> q) {
        PreparedImage img = images.get(q.get("image"));
        Methods.Method m = explorer.methods().get(q.get("method"));
        Map<String, Object> params = explorer.methods().parse(m, q);
        Colormap cm;
        try {
            cm = Colormap.of(q.getOrDefault("colormap", "jet"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        return new Call(img, m, params, classParam(q), cm);
    }

    private void answer(HttpExchange ex, String key, WorkQueue lane, java.util.concurrent.Callable<Result> compute) throws IOException {
        ResultCache.Lookup l = cache.get(key, lane, compute);
        Result r = await(l.future());
        ex.getResponseHeaders().set("X-Pixelgrad-Cache", l.hit() ? "hit" : "miss");
        send(ex, 200, "application/json", r.json());
    }

    private <T> T await(Future<T> f) {
        try {
            return f.get(config.timeoutSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ApiException a) throw a;
            if (c instanceof IllegalArgumentException i) throw new ApiException(400, i.getMessage());
            if (c instanceof CancellationException) throw new ApiException(409, "cancelled");
            throw new IllegalStateException(String.valueOf(c), c);
        } catch (TimeoutException e) {
            throw ApiException.busy("the computation takes longer than " + config.timeoutSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.busy("the server is stopping");
        }
    }

    private void upload(HttpExchange ex, Map<String, String> q) throws IOException {
        if (!uploads.tryAcquire()) throw ApiException.busy(config.maxConcurrentUploads() + " uploads in progress");
        byte[] body;
        try {
            String length = ex.getRequestHeaders().getFirst("Content-Length");
            long declared = -1;
            if (length != null) {
                try {
                    declared = Long.parseLong(length.strip());
                } catch (NumberFormatException e) {
                    throw new ApiException(400, "bad Content-Length");
                }
            }
            try {
                body = Uploads.readBody(ex.getRequestBody(), declared, config.maxUploadBytes());
            } catch (ApiException e) {
                // stop reading: the connection closes instead of the server swallowing the rest of a huge body
                ex.getResponseHeaders().set("Connection", "close");
                throw e;
            }
        } finally {
            uploads.release();
        }
        byte[] bytes = body;
        String title = title(q.get("name"));
        // decoding and preparing cost memory in proportion to the pixels: they run on the bounded quick lane
        PreparedImage img = await(quick.submit(() -> {
            RgbImage rgb = Uploads.decode(bytes, config.maxPixels(), config.maxSide());
            return images.addUpload(bytes, rgb, title);
        }));
        send(ex, 200, Explorer.ordered("image", Explorer.describe(img, false)));
    }

    private static String title(String name) {
        if (name == null || name.isBlank()) return "uploaded image";
        String t = name.replaceAll("[^\\p{L}\\p{N} ._()-]", "_").strip();
        return t.length() > 60 ? t.substring(0, 60) : t;
    }

    private void startJob(HttpExchange ex, Map<String, String> q) throws IOException {
        String kind = q.getOrDefault("kind", "attribution");
        Jobs.Job job;
        if (kind.equals("attribution")) {
            Call c = call(q);
            Result kept = cache.peek(c.key);
            if (kept != null) {
                send(ex, 200, Explorer.ordered("state", "done", "result", new RawJson(kept.json())));
                return;
            }
            job = jobs.start(c.key, slow, cache, c::compute);
        } else if (kind.equals("synthesis")) {
            if (!explorer.canVisualize()) throw new ApiException(501, "feature visualization is not available on this server (no visualizer was given)");
            String layer = explorer.layer(q.get("layer")).name();
            int unit = intParam(q, "unit", null, 0, Integer.MAX_VALUE);
            String k = key("synthesis", "-", layer, unit);
            Result kept = cache.peek(k);
            if (kept != null) {
                send(ex, 200, Explorer.ordered("state", "done", "result", new RawJson(kept.json())));
                return;
            }
            job = jobs.start(k, slow, cache, p -> explorer.synthesis(layer, unit, p));
        } else {
            throw new ApiException(400, "kind must be attribution or synthesis, not '" + ImageStore.clip(kind) + "'");
        }
        send(ex, 202, Jobs.describe(job.snapshot()));
    }

    /** Streams a job's progress as server-sent events until it finishes, then closes. */
    private void events(HttpExchange ex, Jobs.Job job) throws IOException {
        if (!streams.tryAcquire()) throw ApiException.busy(config.maxEventStreams() + " progress streams open");
        try {
            Headers h = ex.getResponseHeaders();
            h.set("Content-Type", "text/event-stream; charset=utf-8");
            h.set("Cache-Control", "no-store");
            h.set("X-Content-Type-Options", "nosniff");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            long seen = -1;
            long end = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(30);
            while (System.currentTimeMillis() < end) {
                Jobs.Snapshot s = job.await(seen, 10_000);
                if (s.version() == seen && !s.finished()) {
                    out.write(": still working\n\n".getBytes(StandardCharsets.UTF_8));   // a comment keeps proxies awake
                    out.flush();
                    continue;
                }
                seen = s.version();
                String event = switch (s.state()) {
                    case DONE -> "event: done\ndata: " + Jobs.resultJson(s) + "\n\n";
                    case FAILED -> "event: failed\ndata: " + new String(Explorer.json(Jobs.describe(s)), StandardCharsets.UTF_8) + "\n\n";
                    case CANCELLED -> "event: cancelled\ndata: " + new String(Explorer.json(Jobs.describe(s)), StandardCharsets.UTF_8) + "\n\n";
                    default -> "event: progress\ndata: " + new String(Explorer.json(Jobs.describe(s)), StandardCharsets.UTF_8) + "\n\n";
                };
                out.write(event.getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (s.finished()) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.release();
        }
    }

    /** The raw array of an attribution as NumPy's .npy bytes (written through engine's Npy, in a private temp file). */
    private static byte[] npy(Result r) throws IOException {
        if (r.raw() == null) throw new ApiException(404, "this answer has no raw array");
        INDArray a = Passes.array(r.raw(), r.rawType(), r.rawShape());
        Path tmp = Files.createTempFile("pixelgrad-explorer-", ".npy");
        try {
            Npy.write(a, tmp);
            return Files.readAllBytes(tmp);
        } finally {
            Arrays.release(a);
            Files.deleteIfExists(tmp);
        }
    }

    // ------------------------------------------------------------------------------------------ HTTP bits

    private static Integer classParam(Map<String, String> q) {
        String c = q.get("class");
        if (c == null || c.isBlank() || c.equals("top")) return null;
        try {
            int i = Integer.parseInt(c.strip());
            if (i < 0) throw new ApiException(400, "class must be >= 0, not " + i);
            return i;
        } catch (NumberFormatException e) {
            throw new ApiException(400, "class must be an index (or top), not '" + ImageStore.clip(c) + "'");
        }
    }

    private static int intParam(Map<String, String> q, String name, Integer initial, int min, int max) {
        String v = q.get(name);
        if (v == null || v.isBlank()) {
            if (initial == null) throw new ApiException(400, "missing " + name + "=N");
            return initial;
        }
        try {
            int i = Integer.parseInt(v.strip());
            if (i < min || i > max) throw new ApiException(400, name + " must be between " + min + " and " + max + ", not " + i);
            return i;
        } catch (NumberFormatException e) {
            throw new ApiException(400, name + " must be a whole number, not '" + ImageStore.clip(v) + "'");
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) return q;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq), v = eq < 0 ? "" : pair.substring(eq + 1);
            q.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return q;
    }

    /** Reads and drops a small request body (a POST without one), so the connection can be reused. */
    private static void drain(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] buf = new byte[4096];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) if ((total += n) > 65536) throw new ApiException(413, "this request takes no body");
        }
    }

    /** A JSON value already serialized, embedded as is. */
    private record RawJson(byte[] bytes) {
        @com.fasterxml.jackson.annotation.JsonValue
        @com.fasterxml.jackson.annotation.JsonRawValue
        public String value() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static void send(HttpExchange ex, int status, Object json) throws IOException {
        send(ex, status, "application/json", Explorer.json(json));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
        h.set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            OutputStream out = ex.getResponseBody();
            out.write(body);
            out.flush();
        }
    }

    private static void error(HttpExchange ex, int status, String message) {
        try {
            if (status == 503) ex.getResponseHeaders().set("Retry-After", "1");
            String m = message == null ? "failed" : message.replace('\n', ' ').replace('\r', ' ');
            send(ex, status, Explorer.ordered("error", m, "status", status));
        } catch (IOException | RuntimeException e) {
            // headers already sent or the client is gone: nothing more to say
        }
    }
}
