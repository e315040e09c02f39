package io.pixelgrad.vis;

import io.pixelgrad.autograd.nn.AdaptiveAvgPool2d;
import io.pixelgrad.autograd.nn.Conv2d;
import io.pixelgrad.autograd.nn.Linear;
import io.pixelgrad.autograd.nn.MaxPool2d;
import io.pixelgrad.autograd.nn.ReLU;
import io.pixelgrad.autograd.nn.Sequential;
import io.pixelgrad.autograd.nn.Init;
import io.pixelgrad.vis.render.Colormap;
import io.pixelgrad.vis.render.HtmlReport;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.zoo.models.Classifier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rendered outputs decode as PNG, have the expected size and are not constant; activation maps and dead channels. */
class RenderingTest {

    /** Each pixel of heatmap, overlay and gradient picture is its definition at that (x, y), read back by getRGB. */
    @Test
    void everyPixelIsItsDefinitionAtItsPlace() {
        int h = 7, w = 5;
        java.util.SplittableRandom random = new java.util.SplittableRandom(9);
        float[] map = new float[h * w], g = new float[3 * h * w];
        for (int i = 0; i < map.length; i++) map[i] = (float) random.nextDouble();
        for (int i = 0; i < g.length; i++) g[i] = (float) random.nextGaussian();
        BufferedImage picture = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);   // not the drawing's own type
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) picture.setRGB(x, y, random.nextInt(1 << 24));
        BufferedImage heat = Render.heatmap(map, h, w, Colormap.JET), over = Render.overlay(picture, map, h, w, Colormap.JET, 0.5);
        BufferedImage grad = Render.gradientImage(g, h, w);
        float top = Maps.percentile(g, 0.99);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                float v = map[y * w + x];
                int q = Colormap.JET.rgb(v), p = picture.getRGB(x, y);
                assertEquals(q & 0xFFFFFF, heat.getRGB(x, y) & 0xFFFFFF, "heatmap at " + x + "," + y);
                double a = 0.5 * (0.3 + 0.7 * v);
                int expected = 0;
                for (int shift = 16; shift >= 0; shift -= 8)
                    expected |= (int) Math.round((1 - a) * (p >> shift & 255) + a * (q >> shift & 255)) << shift;
                assertEquals(expected, over.getRGB(x, y) & 0xFFFFFF, "overlay at " + x + "," + y);
                int rgb = 0;
                for (int c = 0; c < 3; c++)
                    rgb = rgb << 8 | (int) Math.round(255 * (0.5 + 0.5 * Math.max(-1, Math.min(1, g[(c * h + y) * w + x] / top))));
                assertEquals(rgb, grad.getRGB(x, y) & 0xFFFFFF, "gradient picture at " + x + "," + y);
            }
    }

    @Test
    void everyMethodsPanelDecodesWithTheRightSizeAndIsNotConstant() throws Exception {
        Reference r = Reference.load("alexnet_16", org.nd4j.linalg.api.buffer.DataType.FLOAT);
        int h = (int) r.x.size(2), w = (int) r.x.size(3);
        BufferedImage input = Render.input(Passes.floats(r.x), h, w);
        List<Explainer> methods = List.of(new Saliency(r.model), new GuidedBackprop(r.model), new Deconvnet(r.model),
                new GradCam(r.model), new GuidedGradCam(r.model), new Occlusion(r.model, 15, 8, 0f),
                new SmoothGrad(new Saliency(r.model), 3, 0.15, 7), new IntegratedGradients(new Saliency(r.model), 4),
                new InputTimesGradient(new Saliency(r.model)));
        for (Explainer m : methods) {
            Attribution a = m.attribute(r.x, Target.topClass());
            BufferedImage heat = decode(Render.png(a.heatmap(Colormap.JET)));
            assertEquals(w, heat.getWidth(), m.name());
            assertEquals(h, heat.getHeight(), m.name());
            assertFalse(constant(heat), m.name() + " heatmap is constant");
            BufferedImage panel = decode(Render.png(a.panel(input)));
            int panels = a.kind() == Attribution.Kind.INPUT_GRADIENT ? 3 : 2;
            assertEquals(panels * w + (panels + 1) * 4, panel.getWidth(), m.name() + " panel width");
            assertEquals(h + 8, panel.getHeight(), m.name() + " panel height");
            assertFalse(constant(decode(Render.png(a.overlay(input, Colormap.HOT)))), m.name() + " overlay is constant");
        }
    }

    @Test
    void filtersAndActivationGridsDecode() throws Exception {
        Reference r = Reference.load("vgg16_16", org.nd4j.linalg.api.buffer.DataType.FLOAT);
        BufferedImage rgb = decode(Render.png(Filters.of(r.model, "features.0").render(16)));
        assertFalse(constant(rgb));
        BufferedImage grey = decode(Render.png(Filters.of(r.model, "features.2").render(8)));
        // 4 filters x 4 inputs of 3x3 tiles enlarged 8 times, 1 pixel apart
        assertEquals(4 * 24 + 5, grey.getWidth());
        assertEquals(4 * 24 + 5, grey.getHeight());
        ActivationMaps maps = ActivationMaps.of(r.model, r.x, "features.1");
        assertEquals(4, maps.shape()[0]);
        assertFalse(constant(decode(Render.png(maps.grid()))));
    }

    @Test
    void colormapsRunFromDarkOrBlueToBright() {
        assertEquals(0x000080, Colormap.JET.rgb(0) & 0xffffff);
        assertEquals(0x800000, Colormap.JET.rgb(1) & 0xffffff);
        assertEquals(0x000000, Colormap.HOT.rgb(0));
        assertEquals(0xffffff, Colormap.HOT.rgb(1));
        assertTrue(luminance(Colormap.VIRIDISH.rgb(0)) < luminance(Colormap.VIRIDISH.rgb(0.5)));
        assertTrue(luminance(Colormap.VIRIDISH.rgb(0.5)) < luminance(Colormap.VIRIDISH.rgb(1)));
    }

    @Test
    void deadChannelsAreThoseZeroOnEveryImage() {
        Classifier net = new Classifier("gapnet",
                new Sequential(new Conv2d(3, 8, 3, 1, 1), new ReLU(), new MaxPool2d(2, 2), new Conv2d(8, 16, 3, 1, 1), new ReLU()),
                new AdaptiveAvgPool2d(1, 1), new Sequential(new Linear(16, 10)));
        Init.randomize(net, 3);
        // channel 5 of the second conv: zero weights and a negative bias, so its ReLU output is 0 for every input
        Conv2d conv = (Conv2d) net.modules().get("features.3");
        INDArray weight = conv.weight().value().dup();
        weight.get(org.nd4j.linalg.indexing.NDArrayIndex.point(5)).assign(0);
        conv.weight().set(weight);
        INDArray bias = conv.bias().value().dup();
        bias.putScalar(5, -1f);
        conv.bias().set(bias);
        INDArray batch = Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 3, 16, 16);
        assertEquals(List.of(5), ActivationMaps.deadChannels(net, batch, "features.4"));
        ActivationMaps one = ActivationMaps.of(net, batch.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0)).dup(), "features.4");
        assertTrue(one.silentChannels().contains(5));
    }

    @Test
    void htmlReportEmbedsDecodablePngs() throws Exception {
        BufferedImage a = Render.heatmap(Maps.minMax(new float[]{0, 1, 2, 3}), 2, 2, Colormap.JET);
        String html = new HtmlReport("t <1>").input(a).fact("model x").prediction(new HtmlReport.Prediction(1, 3, "cat & dog", 2.5, 0.7))
                .panel("saliency", "caption", a).toHtml();
        assertTrue(html.contains("t &lt;1&gt;") && html.contains("cat &amp; dog"));
        Matcher m = Pattern.compile("base64,([A-Za-z0-9+/=]+)").matcher(html);
        int n = 0;
        while (m.find()) {
            assertNotNull(decode(Base64.getDecoder().decode(m.group(1))));
            n++;
        }
        assertEquals(2, n);
    }

    static BufferedImage decode(byte[] png) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(img, "not a decodable PNG");
        return img;
    }

    static boolean constant(BufferedImage img) {
        int first = img.getRGB(0, 0);
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if (img.getRGB(x, y) != first) return false;
        return true;
    }

    private static double luminance(int rgb) {
        return 0.299 * (rgb >> 16 & 255) + 0.587 * (rgb >> 8 & 255) + 0.114 * (rgb & 255);
    }
}
