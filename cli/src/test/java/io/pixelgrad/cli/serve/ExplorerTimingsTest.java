package io.pixelgrad.cli.serve;

import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.engine.Arrays;
import io.pixelgrad.explorer.ExplorerConfig;
import io.pixelgrad.explorer.ExplorerServer;
import io.pixelgrad.explorer.ImagePipeline;
import io.pixelgrad.explorer.PreparedImage;
import io.pixelgrad.explorer.WeightsModelSource;
import io.pixelgrad.vis.Attribution;
import io.pixelgrad.vis.Saliency;
import io.pixelgrad.vis.Target;
import io.pixelgrad.vis.render.Colormap;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.zoo.images.Images;
import io.pixelgrad.zoo.models.Architectures;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openqa.selenium.By;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The explorer's speed figures, printed, not asserted (no timed unit tests): first paint of the overview after the page
 * opens, and a saliency map in the browser against the time the CLI's saliency method takes in-process on the same
 * model and input. Full-size AlexNet and VGG16 with random weights at 224x224.
 *
 * <pre>
 * flock /tmp/pixelgrad-heavy.lock mvn -B -q -pl cli -am test -Dtest=ExplorerTimingsTest -Dpixelgrad.timings=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "pixelgrad.timings", matches = "true")
class ExplorerTimingsTest {

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    static String ms(List<Double> v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) sb.append(String.format(Locale.ROOT, "%.0f ", d));
        return String.format(Locale.ROOT, "median %.0f ms (runs: %s)", median(v), sb.toString().strip());
    }

    @Test
    void alexnetAndVgg16() throws Exception {
        for (String arch : List.of("alexnet", "vgg16")) time(arch);
    }

    void time(String arch) throws Exception {
        Classifier net = Architectures.create(arch);
        Init.randomize(net, 1);
        WeightsModelSource source = new WeightsModelSource(net, Path.of("random-" + arch));

        // the CLI's saliency: the same vis call the command makes after loading, then its PNG panel
        ImagePipeline pipeline = source.pipeline();
        PreparedImage img = pipeline.prepare("x", "x", Images.read(Path.of("../zoo-import/src/test/resources/images/chelsea.png")));
        INDArray x = img.array(net.dataType());
        List<Double> method = new ArrayList<>(), withPng = new ArrayList<>();
        new Saliency(net).attribute(x, Target.classIndex(0));   // warm-up
        for (int i = 0; i < 7; i++) {
            long t0 = System.nanoTime();
            Attribution a = new Saliency(net).attribute(x, Target.classIndex(i + 1));
            long t1 = System.nanoTime();
            Render.png(Render.row(4, a.heatmap(Colormap.JET), a.overlay(img.picture(), Colormap.JET), a.gradientImage()));
            long t2 = System.nanoTime();
            method.add((t1 - t0) / 1e6);
            withPng.add((t2 - t0) / 1e6);
        }
        Arrays.release(x);

        long s0 = System.nanoTime();
        try (ExplorerServer server = ExplorerServer.builder(source).config(ExplorerConfig.defaults().at("127.0.0.1", 0)).start();
             Browser browser = new Browser()) {
            double startMs = (System.nanoTime() - s0) / 1e6;
            List<Double> firstPaint = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                browser.driver.get(server.uri().toString());
                browser.await(d -> browser.js("return window.pixelgradTimings.overviewPainted") != null);
                firstPaint.add(((Number) browser.js("return window.pixelgradTimings.overviewPainted")).doubleValue());
            }
            // a picture not seen before: its overview is computed on demand
            double t0 = ((Number) browser.js("const t = performance.now(); const s = document.getElementById('image-select');"
                    + " s.value = 'sample-coffee'; s.dispatchEvent(new Event('change')); return t;")).doubleValue();
            browser.await(d -> browser.js("const o = window.pixelgradTimings.lastOverview; return o && o.image === 'sample-coffee'") == Boolean.TRUE);
            double cold = ((Number) browser.js("return window.pixelgradTimings.lastOverview.painted")).doubleValue() - t0;
            // saliency for classes not asked before (nothing cached): click a class, click Run, pictures decoded
            List<Double> saliency = new ArrayList<>(), serverPart = new ArrayList<>();
            for (int k = 1; k < 8; k++) {
                browser.driver.findElements(By.cssSelector("#scores li")).get(k).click();
                browser.js("window.pixelgradTimings.methods = {};");
                browser.driver.findElement(By.id("run-saliency")).click();
                browser.await(d -> browser.js("return window.pixelgradTimings.methods.saliency") != null);
                saliency.add(((Number) browser.js("return window.pixelgradTimings.methods.saliency")).doubleValue());
                serverPart.add(((Number) browser.js("return window.pixelgradTimings.server.saliency")).doubleValue());
            }
            System.out.printf(Locale.ROOT, "explorer timing %s: server start (sample prepared, layers learned, first overview) %.0f ms%n", arch, startMs);
            System.out.printf(Locale.ROOT, "explorer timing %s: overview first paint after the page opens: %s%n", arch, ms(firstPaint));
            System.out.printf(Locale.ROOT, "explorer timing %s: overview of a new picture, choice to paint: %.0f ms%n", arch, cold);
            System.out.printf(Locale.ROOT, "explorer timing %s: CLI saliency method in-process: %s; with its PNG panel: %s%n", arch, ms(method), ms(withPng));
            System.out.printf(Locale.ROOT, "explorer timing %s: saliency in the browser, click to pictures decoded: %s; ratio to the CLI method %.2f%n",
                    arch, ms(saliency), median(saliency) / median(method));
            System.out.printf(Locale.ROOT, "explorer timing %s: of which the server computing and drawing: %s; ratio of the whole to the CLI method with its PNG %.2f%n",
                    arch, ms(serverPart), median(saliency) / median(withPng));
        }
    }
}
