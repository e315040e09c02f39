/**
 * The data-set views: {@code top} (each unit's top images and receptive-field patches), {@code neighbors} (nearest
 * images in the penultimate features and in pixels), {@code map} (PCA and t-SNE of the penultimate features) and
 * {@code units} (dead and always-on units), all over one streaming pass of the library's
 * {@link io.pixelgrad.vis.dataset.DatasetPass}. Part of the command line, not of the library API.
 */
package io.pixelgrad.cli.dataset;
