package io.pixelgrad.explorer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small HTTP client for the explorer's tests: JSON answers, and raw sockets for what HttpClient will not send. */
final class Http {

    /** An answer: status, body, and a header of interest. */
    record Answer(int status, byte[] body, HttpResponse<byte[]> response) {
        JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + text(), e);
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    Http(ExplorerServer server) {
        this.base = server.uri();
    }

    Answer get(String pathAndQuery) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(120)).GET().build());
    }

    Answer post(String pathAndQuery, byte[] body, String type) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    Answer send(HttpRequest request) throws Exception {
        HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r.body(), r);
    }

    /** The JSON of a GET that must succeed. */
    JsonNode ok(String pathAndQuery) throws Exception {
        Answer a = get(pathAndQuery);
        if (a.status() != 200) throw new AssertionError(pathAndQuery + " -> " + a.status() + ": " + a.text());
        return a.json();
    }

    /** Sends raw request bytes on a new connection and returns everything the server answers (until it closes). */
    static String raw(ExplorerServer server, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
