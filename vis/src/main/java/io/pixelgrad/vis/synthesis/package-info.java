/**
 * Input optimization, split as Lucent splits optvis: objectives that add, subtract and scale
 * ({@link io.pixelgrad.vis.synthesis.Objective}, and {@link io.pixelgrad.vis.synthesis.ObjectiveParser} for text),
 * parametrizations ({@link io.pixelgrad.vis.synthesis.ImageParam}), seeded transforms, the model's input space, and one
 * loop, {@link io.pixelgrad.vis.synthesis.RenderLoop}, that ties them to an optimizer. Feature visualization, the class
 * model and DeepDream are thin methods over that loop. Supported API.
 */
package io.pixelgrad.vis.synthesis;
