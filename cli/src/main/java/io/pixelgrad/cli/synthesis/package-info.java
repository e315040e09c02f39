/**
 * The synthesis commands, each a thin layer over {@link io.pixelgrad.vis.synthesis}: maximize (feature
 * visualization), dream (DeepDream), invert (inverting a representation), attack (adversarial examples), texture
 * (Gram-matrix texture synthesis) and style (style transfer). Part of the command line, not of the library API.
 */
package io.pixelgrad.cli.synthesis;
