package io.pixelgrad.cli.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.autograd.nn.Linear;
import io.pixelgrad.autograd.nn.MaxPool2d;
import io.pixelgrad.autograd.nn.ReLU;
import io.pixelgrad.autograd.nn.Sequential;
import io.pixelgrad.explorer.ExplorerConfig;
import io.pixelgrad.explorer.ExplorerServer;
import io.pixelgrad.explorer.FeatureVisualizer;
import io.pixelgrad.explorer.ImagePipeline;
import io.pixelgrad.explorer.ModelSource;
import io.pixelgrad.explorer.Sample;
import io.pixelgrad.explorer.WeightsModelSource;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import java.awt.image.BufferedImage;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page with a small 28x28 grey network (one input channel; nothing on the page assumes three channels or 224
 * pixels): pictures are enlarged by whole factors, pixel for pixel; and the feature-visualization extension point with
 * a stand-in visualizer that runs until cancelled, driven from the page's buttons.
 */
class GreyBrowserTest {

    static ModelSource greyNetwork() {
        Classifier net = new Classifier("grey-test",
                new Sequential(new Conv2d(1, 6, 5, 1, 2), new ReLU(), new MaxPool2d(2, 2), new Conv2d(6, 16, 5, 1, 0), new ReLU(),
                        new MaxPool2d(2, 2)),
                null, new Sequential(new Linear(16 * 5 * 5, 32), new ReLU(), new Linear(32, 10)));
        Init.randomize(net, 7);
        ImagePipeline pipeline = ImagePipeline.grey(28, 0.2860f, 0.3530f);
        return new ModelSource() {
            public Classifier model() {
                return net;
            }

            public String id() {
                return "grey-test";
            }

            public String label() {
                return "grey-test (10 classes), random weights, float32";
            }

            public ImagePipeline pipeline() {
                return pipeline;
            }

            public List<Sample> samples() {
                return WeightsModelSource.PHOTOS;
            }

            public String className(int index) {
                return "class " + index;
            }
        };
    }

    static String get(ExplorerServer server, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    @Test
    void greyNetworkAndFeatureVisualizationInTheBrowser() throws Exception {
        AtomicBoolean stopped = new AtomicBoolean();
        FeatureVisualizer untilCancelled = (model, layer, channel, progress) -> {
            try {
                for (int step = 1; ; step++) {
                    progress.progress(step, 1_000_000);
                    Thread.sleep(20);
                }
            } catch (CancellationException e) {
                stopped.set(true);
                throw e;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        try (ExplorerServer server = ExplorerServer.builder(greyNetwork()).config(ExplorerConfig.defaults().at("127.0.0.1", 0))
                .featureVisualizer(untilCancelled).start();
             Browser browser = new Browser()) {
            browser.driver.get(server.uri().toString());
            browser.await(d -> browser.js("return window.pixelgradTimings.overviewPainted") != null);
            WebElement input = browser.driver.findElement(By.cssSelector("#overview .column.input img"));
            browser.await(d -> input.getSize().getWidth() == 28 * 5 + 2);   // 28 pixels shown 5 times larger, 1-pixel border
            assertEquals(1 + 6 + 3, browser.driver.findElements(By.cssSelector("#overview .column")).size(),
                    "the input, six feature layers and three classifier layers");

            // a gradient method: the page shows the server's 28x28 picture enlarged 5 times, pixel for pixel
            browser.driver.findElement(By.id("run-saliency")).click();
            browser.await(d -> d.findElements(By.cssSelector("#result-saliency img")).size() == 3
                    && d.findElement(By.cssSelector("#result-saliency img")).getSize().getWidth() == 142);
            int top = new ObjectMapper().readTree(get(server, "/api/scores?image=sample-chelsea")).get("top").asInt();
            String json = get(server, "/api/attribution?image=sample-chelsea&method=saliency&colormap=jet&class=" + top);
            List<WebElement> imgs = browser.driver.findElements(By.cssSelector("#result-saliency img"));
            String[] panels = {"heatmap", "overlay", "gradient"};
            for (int k = 0; k < 3; k++) {
                BufferedImage expected = Browser.dataUrl(new ObjectMapper().readTree(json).get("images").get(panels[k]).asText());
                assertEquals(28, expected.getWidth());
                BufferedImage shot = browser.shot(imgs.get(k));
                int worst = 0;
                for (int y = 0; y < 140; y++)
                    for (int x = 0; x < 140; x++) {
                        int a = shot.getRGB(1 + x, 1 + y), b = expected.getRGB(x / 5, y / 5);
                        for (int s = 0; s <= 16; s += 8) worst = Math.max(worst, Math.abs((a >> s & 255) - (b >> s & 255)));
                    }
                // measured: exact (pixelated enlargement by a whole factor is nearest-neighbour); tolerance 0
                assertEquals(0, worst, panels[k] + " enlarged on the page differs from the server's picture");
            }

            // a unit of the first convolution: its filter is one grey 5x5 tile (one input channel)
            WebElement canvas = browser.driver.findElement(By.cssSelector("canvas[data-layer='features.0']"));
            new Actions(browser.driver).moveToElement(canvas, 2 + 14 - canvas.getSize().getWidth() / 2, 2 + 14 - canvas.getSize().getHeight() / 2)
                    .click().perform();
            browser.await(d -> !d.findElements(By.id("synthesis-run")).isEmpty());
            assertEquals("features.0, unit 0", browser.driver.findElement(By.id("unit-title")).getText());
            assertTrue(browser.driver.findElement(By.id("unit")).getText().contains("its filter, 1 of 1 input channels"));

            // feature visualization through the extension point: progress streams in, Cancel stops the computation
            WebElement run = browser.driver.findElement(By.id("synthesis-run"));
            assertEquals(null, run.getAttribute("disabled"));
            run.click();
            WebElement status = browser.driver.findElement(By.cssSelector("#unit .synthesis .status"));
            browser.await(d -> status.getText().endsWith(" of 1000000"));
            browser.driver.findElement(By.id("synthesis-cancel")).click();
            browser.await(d -> status.getText().equals("cancelled"));
            assertTrue(stopped.get(), "the visualizer itself was stopped");
            assertTrue(!browser.driver.findElement(By.id("synthesis-cancel")).isDisplayed());
        }
    }
}
