/**
 * The explanation commands (saliency, guided, deconv, gradcam, occlusion, smoothgrad, ig, filters, activations,
 * trace, explain) and the staging of their output files.
 */
package io.pixelgrad.cli.explain;
