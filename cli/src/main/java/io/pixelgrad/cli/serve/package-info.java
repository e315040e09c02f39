/**
 * The {@code serve} command: starts the explorer ({@link io.pixelgrad.explorer.ExplorerServer}) on a local address.
 * Part of the command line, not of the library API.
 */
package io.pixelgrad.cli.serve;
