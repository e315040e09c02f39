package io.pixelgrad.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.cli.Pixelgrad;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pixelgrad serve} in a real browser (headless chromium): the page opens on the overview, a click selects a
 * unit, methods run (a long one with progress), an upload replaces the image, and the gradient trace draws. What the
 * browser paints is compared pixel for pixel with what the command line writes for the same weights and image
 * (saliency, deconv --layer --channel, gradcam, guided --class, smoothgrad, maximize --objective LAYER:CHANNEL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeBrowserTest {

    static final Path ZOO = Path.of("../zoo-import/src/test/resources");
    static final Path WEIGHTS = ZOO.resolve("models/alexnet16.safetensors");
    static final Path PHOTO = ZOO.resolve("images/chelsea.png");   // the same bytes as the bundled sample
    static final Path SMALL = ZOO.resolve("images/small.jpg");
    /** Feature-visualization steps of the served explorer (few: the test compares pictures, not their quality). */
    static final int SYNTHESIS_STEPS = 3;

    @TempDir
    Path tmp;

    Thread serve;
    StringWriter serveOut = new StringWriter();
    URI base;
    Browser browser;

    @BeforeAll
    void start() throws Exception {
        serve = new Thread(() -> Pixelgrad.run(new PrintWriter(serveOut, true), new PrintWriter(new StringWriter(), true),
                "serve", "-w", WEIGHTS.toString(), "--port", "0", "--steps", Integer.toString(SYNTHESIS_STEPS)));
        serve.start();
        Pattern url = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/)");
        for (int i = 0; i < 600 && base == null; i++) {
            Matcher m = url.matcher(serveOut.toString());
            if (m.find()) base = URI.create(m.group(1));
            else Thread.sleep(100);
        }
        assertTrue(base != null, "serve printed no address: " + serveOut);
        browser = new Browser();
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) browser.close();
        serve.interrupt();
        serve.join(20_000);
        assertTrue(!serve.isAlive(), "serve stops when interrupted");
    }

    /** Runs a command of the CLI on the photo with the same weights and returns its output directory. */
    Path cli(String name, Path image, String... extra) {
        Path out = tmp.resolve(name + "-" + System.nanoTime());
        List<String> args = new java.util.ArrayList<>(List.of(name, "-w", WEIGHTS.toString(), "-i", image.toString(), "-o", out.toString()));
        args.addAll(List.of(extra));
        StringWriter err = new StringWriter();
        assertEquals(0, Pixelgrad.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args.toArray(new String[0])), err.toString());
        return out;
    }

    /**
     * The browser's picture (an img of the page, 1-pixel border) equals panel k of the CLI's PNG (panels of the image's
     * size, 4 pixels apart). Measured: identical to the last bit (largest channel difference 0); tolerance 0.
     */
    void samePixels(WebElement img, Path cliPng, int panel, String what) throws Exception {
        BufferedImage shot = browser.shot(img), cli = ImageIO.read(cliPng.toFile());
        int side = (cli.getHeight() - 8);
        // kept for a look when a comparison fails (target/ is not committed)
        Path keep = Path.of("target", "browser-shots");
        java.nio.file.Files.createDirectories(keep);
        String name = what.replaceAll("[^A-Za-z0-9]+", "_");
        ImageIO.write(shot, "png", keep.resolve(name + "_page.png").toFile());
        ImageIO.write(cli, "png", keep.resolve(name + "_cli.png").toFile());
        assertEquals(side + 2, shot.getWidth(), what + ": shown at its own size");
        assertEquals(side + 2, shot.getHeight(), what + ": shown at its own size");
        int diff = Browser.maxDifference(shot, 1, 1, cli, 4 + panel * (side + 4), 4, side, side);
        assertEquals(0, diff, what + ": largest channel difference between the page and the CLI's " + cliPng.getFileName());
    }

    void open() {
        browser.driver.get(base.toString());
        browser.await(d -> browser.js("return window.pixelgradTimings.overviewPainted") != null);
    }

    JsonNode api(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }

    @Test
    void overviewThenAUnit() throws Exception {
        open();
        JsonNode model = api("/api/model");
        List<WebElement> columns = browser.driver.findElements(By.cssSelector("#overview .column"));
        assertEquals(model.get("layers").size() + 1, columns.size(), "the input and one column per layer");
        assertEquals("input", columns.get(0).findElement(By.tagName("h3")).getText());
        assertEquals("features.4", columns.get(5).findElement(By.tagName("h3")).getText());
        // unit 1 of features.4 (ReLU, 12 channels 27x27, thumbnails 27x27 drawn at 27x27 plus 2-pixel gaps, 4 a row)
        WebElement canvas = browser.driver.findElement(By.cssSelector("canvas[data-layer='features.4']"));
        int x = 2 + 29 + 13, y = 2 + 13;
        new Actions(browser.driver).moveToElement(canvas, x - canvas.getSize().getWidth() / 2, y - canvas.getSize().getHeight() / 2)
                .click().perform();
        browser.await(d -> d.findElements(By.cssSelector("#unit figure img")).size() >= 5);
        assertEquals("features.4, unit 1", browser.driver.findElement(By.id("unit-title")).getText());
        List<WebElement> pictures = browser.driver.findElements(By.cssSelector("#unit figure img"));
        Path deconv = cli("deconv", PHOTO, "--layer", "features.4", "--channel", "1").resolve("deconv.png");
        samePixels(pictures.get(1), deconv, 2, "deconvnet projection of the unit");
        samePixels(pictures.get(2), deconv, 0, "where the projection lands");
        Path guided = cli("guided", PHOTO, "--layer", "features.4", "--channel", "1").resolve("guided.png");
        samePixels(pictures.get(3), guided, 2, "guided projection of the unit");

        // the unit's feature visualization is the picture pixelgrad maximize draws with the same steps and seed
        WebElement run = browser.driver.findElement(By.id("synthesis-run"));
        assertEquals(null, run.getAttribute("disabled"));
        run.click();
        browser.await(d -> !d.findElements(By.cssSelector("#synthesis-result img")).isEmpty()
                && ((Number) browser.js("return document.querySelector('#synthesis-result img').naturalWidth")).intValue() > 0);
        Path out = tmp.resolve("maximize-" + System.nanoTime());
        StringWriter err = new StringWriter();
        assertEquals(0, Pixelgrad.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "maximize", "-w", WEIGHTS.toString(),
                "--objective", "features.4:1", "--steps", Integer.toString(SYNTHESIS_STEPS), "-o", out.toString()), err.toString());
        BufferedImage maximized = ImageIO.read(out.resolve("maximize.png").toFile());
        BufferedImage shot = browser.shot(browser.driver.findElement(By.cssSelector("#synthesis-result img")));
        assertEquals(maximized.getWidth() + 2, shot.getWidth(), "shown at its own size (128 px)");
        // measured: identical to the last bit; tolerance 0
        assertEquals(0, Browser.maxDifference(shot, 1, 1, maximized, 0, 0, maximized.getWidth(), maximized.getHeight()),
                "the page's feature visualization differs from maximize.png");
    }

    @Test
    void twoMethodsForAChosenClassMatchTheCli() throws Exception {
        open();
        browser.driver.findElement(By.id("run-saliency")).click();
        browser.await(d -> d.findElements(By.cssSelector("#result-saliency img")).size() == 3);
        List<WebElement> s = browser.driver.findElements(By.cssSelector("#result-saliency img"));
        Path saliency = cli("saliency", PHOTO).resolve("saliency.png");
        for (int k = 0; k < 3; k++) samePixels(s.get(k), saliency, k, "saliency panel " + k);

        // choose the second class in the scores and explain it with two methods
        WebElement second = browser.driver.findElements(By.cssSelector("#scores li")).get(1);
        String cls = second.getAttribute("data-class");
        second.click();
        assertTrue(browser.driver.findElement(By.id("class-name")).getText().startsWith("class " + cls));
        browser.driver.findElement(By.id("run-gradcam")).click();
        browser.driver.findElement(By.id("run-guided")).click();
        browser.await(d -> d.findElements(By.cssSelector("#result-gradcam img")).size() == 2
                && d.findElements(By.cssSelector("#result-guided img")).size() == 3);
        Path gradcam = cli("gradcam", PHOTO, "--class", cls).resolve("gradcam.png");
        List<WebElement> g = browser.driver.findElements(By.cssSelector("#result-gradcam img"));
        samePixels(g.get(0), gradcam, 0, "gradcam heatmap");
        samePixels(g.get(1), gradcam, 1, "gradcam overlay");
        Path guided = cli("guided", PHOTO, "--class", cls).resolve("guided.png");
        List<WebElement> gb = browser.driver.findElements(By.cssSelector("#result-guided img"));
        for (int k = 0; k < 3; k++) samePixels(gb.get(k), guided, k, "guided panel " + k);
        assertTrue(browser.driver.findElement(By.cssSelector("#method-guided .facts")).getText().startsWith("class " + cls));
    }

    @Test
    void longMethodWithProgress() throws Exception {
        open();
        WebElement samples = browser.driver.findElement(By.cssSelector("#method-smoothgrad input[name=samples]"));
        samples.clear();
        samples.sendKeys("8");
        browser.driver.findElement(By.id("run-smoothgrad")).click();
        browser.await(d -> d.findElements(By.cssSelector("#result-smoothgrad img")).size() == 3);
        Path cli = cli("smoothgrad", PHOTO, "--samples", "8").resolve("smoothgrad.png");
        List<WebElement> s = browser.driver.findElements(By.cssSelector("#result-smoothgrad img"));
        for (int k = 0; k < 3; k++) samePixels(s.get(k), cli, k, "smoothgrad panel " + k);
        assertTrue(!browser.driver.findElement(By.cssSelector("#method-smoothgrad progress")).isDisplayed(), "progress bar hidden when done");
    }

    @Test
    void uploadReplacesTheImage() throws Exception {
        open();
        browser.driver.findElement(By.id("upload")).sendKeys(Browser.upload(SMALL));
        browser.await(d -> browser.js("return document.getElementById('image-select').value").toString().startsWith("upload-"));
        browser.await(d -> d.findElements(By.cssSelector("#scores li")).size() == 10 && browser.js("return document.getElementById('message').textContent").equals(""));
        assertTrue(browser.driver.findElement(By.cssSelector("#image-select option:checked")).getText().contains("small.jpg"));
        browser.driver.findElement(By.id("run-saliency")).click();
        browser.await(d -> d.findElements(By.cssSelector("#result-saliency img")).size() == 3);
        Path cli = cli("saliency", SMALL).resolve("saliency.png");
        List<WebElement> s = browser.driver.findElements(By.cssSelector("#result-saliency img"));
        for (int k = 0; k < 3; k++) samePixels(s.get(k), cli, k, "saliency of the upload, panel " + k);
        // a refused upload leaves a one-line message and the page as it was
        browser.driver.findElement(By.id("upload")).sendKeys(Browser.upload(ZOO.resolve("images/not_an_image.png")));
        browser.await(d -> browser.js("return document.getElementById('message').textContent").toString().startsWith("Upload refused: not an image"));
    }

    @Test
    void gradientTraceIsDrawn() throws Exception {
        open();
        browser.driver.findElement(By.id("run-trace")).click();
        browser.await(d -> !d.findElements(By.cssSelector("#trace svg")).isEmpty());
        JsonNode trace = api("/api/trace?image=sample-chelsea&class=" + api("/api/scores?image=sample-chelsea").get("top").asInt());
        List<WebElement> labels = browser.driver.findElements(By.cssSelector("#trace svg text"));
        String text = labels.stream().map(WebElement::getText).reduce("", (a, b) -> a + "\n" + b);
        for (JsonNode row : trace.get("rows")) assertTrue(text.contains(row.get("layer").asText()), row.get("layer").asText());
        // one bar per rule and layer that received a gradient
        long bars = 0;
        for (JsonNode row : trace.get("rows")) for (JsonNode n : row.get("norm")) if (n.asDouble() > 0) bars++;
        assertEquals(bars, browser.driver.findElements(By.cssSelector("#trace svg rect[height='6']")).size());
    }
}
