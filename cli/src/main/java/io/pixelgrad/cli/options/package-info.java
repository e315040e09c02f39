/**
 * Options shared by commands as picocli mixins: --model, --weights, --image, --class, --layer, --out, --dtype.
 * Part of the command line, not of the library API.
 */
package io.pixelgrad.cli.options;
