package example;

import io.pixelgrad.vis.Attribution;
import io.pixelgrad.vis.GradCam;
import io.pixelgrad.vis.GuidedBackprop;
import io.pixelgrad.vis.Target;
import io.pixelgrad.vis.render.Colormap;
import io.pixelgrad.vis.render.Render;
import io.pixelgrad.zoo.images.ImageInput;
import io.pixelgrad.zoo.images.Images;
import io.pixelgrad.zoo.load.ModelLoader;
import io.pixelgrad.zoo.models.BuiltinModels;
import io.pixelgrad.zoo.models.Classifier;
import io.pixelgrad.zoo.models.ModelCard;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Explains an image with guided backprop and Grad-CAM and writes one PNG.
 *
 * <pre>
 *   ExplainImage OUT_DIR                      the built-in Fashion-MNIST model and its first sample image
 *   ExplainImage OUT_DIR WEIGHTS IMAGE        any AlexNet/VGG weights (.pth, .safetensors, .onnx) and a picture
 * </pre>
 */
public final class ExplainImage {

    public static void main(String[] args) throws Exception {
        if (args.length != 1 && args.length != 3) {
            System.err.println("usage: ExplainImage OUT_DIR [WEIGHTS IMAGE]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Classifier model;
        ModelCard card;
        Path image;
        String imageName;
        if (args.length == 1) {
            model = BuiltinModels.load(BuiltinModels.DEFAULT);
            card = BuiltinModels.card(BuiltinModels.DEFAULT);
            imageName = BuiltinModels.samples(BuiltinModels.DEFAULT).get(0);
            image = BuiltinModels.samplePath(BuiltinModels.DEFAULT, imageName);
        } else {
            model = ModelLoader.load("auto", Path.of(args[1]));
            card = ModelCard.read(Path.of(args[1]));   // null for weights without pixelgrad's description
            image = Path.of(args[2]);
            imageName = image.getFileName().toString();
        }
        // the model's own preprocessing when its weights describe it, torchvision's ImageNet preprocessing otherwise
        INDArray x = ImageInput.load(image, card != null ? card.preprocessing()
                : io.pixelgrad.zoo.images.Preprocessing.standard(io.pixelgrad.zoo.images.Normalization.TORCHVISION));

        Attribution guided = new GuidedBackprop(model).attribute(x, Target.topClass());
        Attribution cam = new GradCam(model).attribute(x, Target.classIndex(guided.targetClass()));
        int cls = guided.targetClass();
        String name = card != null ? card.className(cls) : "class " + cls;

        BufferedImage picture = Render.input(io.pixelgrad.vis.Passes.floats(x), guided.imageHeight(), guided.imageWidth());
        BufferedImage panel = Render.row(4, picture, guided.gradientImage(), cam.overlay(picture, Colormap.JET));
        Files.createDirectories(out);
        Path png = out.resolve("explanation.png");
        Files.write(png, Render.png(Render.enlarge(panel, Math.max(1, 256 / panel.getHeight()))));
        System.out.println("explained " + imageName + " as " + name + " (class " + cls + "): wrote " + png);
    }
}
