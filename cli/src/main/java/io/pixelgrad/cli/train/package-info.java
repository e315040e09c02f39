/**
 * The {@code train} and {@code evaluate} commands over {@link io.pixelgrad.zoo.train.Trainer} and
 * {@link io.pixelgrad.zoo.train.Evaluation}. Part of the command line, not of the library API.
 */
package io.pixelgrad.cli.train;
