/**
 * The {@code pixelgrad} command line (picocli): {@link io.pixelgrad.cli.Pixelgrad} registers the commands and turns
 * every failure into one line and an exit code. Not part of the library API.
 */
package io.pixelgrad.cli;
