package io.pixelgrad.zoo.images;

import io.pixelgrad.zoo.fuzz.FuzzFiles;

/**
 * The contract of the image path on any bytes, checked by the image fuzz targets: the file decodes and goes through the
 * standard preprocessing (resize 256, crop 224) to a 224x224 image, or is refused with a one-line
 * {@link ImageInputException} naming the file. Any other exception or error escapes to the fuzzer as a finding.
 */
final class ImageContract {
    private static final Preprocessing STANDARD = Preprocessing.standard(Normalization.TORCHVISION);

    private ImageContract() {
    }

    /** Decodes the fuzzer's {@code data}, written to a file called {@code name}, and checks the contract. */
    static void check(String name, byte[] data) {
        RgbImage img = FuzzFiles.readOrRefuse(name, data, Images::read, ImageInputException.class, "image ");
        if (img == null) {
            return;
        }
        // The tensor step (ND4J) is left out: it only normalizes the 224x224 samples that come out of the crop.
        RgbImage crop = STANDARD.centerCrop(STANDARD.resizeShorterSide(img));
        if (crop.width() != 224 || crop.height() != 224) {
            throw new AssertionError("preprocessing gave " + crop.width() + "x" + crop.height());
        }
    }
}
