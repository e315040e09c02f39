/**
 * Views of a whole data set through a model: one streaming pass ({@link io.pixelgrad.vis.dataset.DatasetPass}) that
 * keeps, in bounded memory, each unit's top-k images ({@link io.pixelgrad.vis.dataset.TopUnits}), per-unit activity
 * ({@link io.pixelgrad.vis.dataset.UnitStats}) and the penultimate features
 * ({@link io.pixelgrad.vis.dataset.FeatureStore}, memory-mapped when large); patches cropped to receptive fields
 * ({@link io.pixelgrad.vis.dataset.Patches}); nearest neighbours ({@link io.pixelgrad.vis.dataset.Neighbors}); PCA
 * ({@link io.pixelgrad.vis.dataset.Pca}) and t-SNE ({@link io.pixelgrad.vis.dataset.Tsne}) maps and their picture
 * ({@link io.pixelgrad.vis.dataset.MapPlot}). Supported API.
 */
package io.pixelgrad.vis.dataset;
