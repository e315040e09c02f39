/**
 * The explanation commands (saliency, guided, deconv, gradcam, occlusion, smoothgrad, ig, filters, activations,
 * trace, explain) and the staging of their output files. Part of the command line, not of the library API.
 */
package io.pixelgrad.cli.explain;
