package io.pixelgrad.cli.serve;

import io.pixelgrad.cli.Pixelgrad;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The serve command's options and mistakes: help, bad values (exit 2), a port in use (one line, exit 1), start and stop. */
class ServeCommandTest {

    static final Path WEIGHTS = Path.of("../zoo-import/src/test/resources/models/alexnet16.safetensors");

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Pixelgrad.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpNamesTheOptions() {
        Run r = run("serve", "--help");
        assertEquals(0, r.code());
        for (String o : new String[]{"--port", "--host", "--weights", "--model", "--dtype", "127.0.0.1"})
            assertTrue(r.out().contains(o), o + " in " + r.out());
        assertTrue(run("--help").out().contains("serve"));
    }

    @Test
    void mistakesAreOneLine() throws Exception {
        Run bad = run("serve", "-w", WEIGHTS.toString(), "--port", "70000");
        assertEquals(2, bad.code(), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertTrue(bad.err().contains("--port must be between 0 and 65535"), bad.err());
        Run missing = run("serve");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--weights"), missing.err());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run busy = run("serve", "-w", WEIGHTS.toString(), "--port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, busy.code(), busy.err());
            String last = busy.err().strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("pixelgrad serve: cannot listen on 127.0.0.1:" + taken.getLocalPort()), busy.err());
            assertTrue(last.contains("choose another with --port") && !busy.err().contains("\tat "), busy.err());
        }
    }

    @Test
    void servesUntilStopped() throws Exception {
        StringWriter out = new StringWriter();
        int[] code = {-1};
        Thread serve = new Thread(() -> code[0] = Pixelgrad.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                "serve", "-w", WEIGHTS.toString(), "--port", "0", "--dtype", "float64"));
        serve.start();
        URI base = null;
        Pattern url = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/)");
        for (int i = 0; i < 600 && base == null; i++) {
            Matcher m = url.matcher(out.toString());
            if (m.find()) base = URI.create(m.group(1));
            else Thread.sleep(100);
        }
        assertTrue(base != null, out.toString());
        assertTrue(out.toString().contains("float64"), out.toString());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/api/model")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"dtype\":\"float64\""), r.body());
        serve.interrupt();
        serve.join(20_000);
        assertEquals(0, code[0]);
    }
}
