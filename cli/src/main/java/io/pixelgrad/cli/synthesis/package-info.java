/**
 * The synthesis commands: maximize (feature visualization) and dream (DeepDream).
 */
package io.pixelgrad.cli.synthesis;
