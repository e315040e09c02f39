package io.pixelgrad.vis.dataset;

/**
 * One entry of a unit's top-k: an image of the data set, the position of the unit's strongest response in it, and
 * the activation there.
 *
 * @param image the image's index in the data set
 * @param y     row of the position in the layer's output (0 for fully connected layers)
 * @param x     column of the position in the layer's output (0 for fully connected layers)
 * @param value the activation
 */
public record Hit(int image, int y, int x, double value) {
}
