/**
 * Options shared by commands as picocli mixins: --model, --weights, --image, --class, --layer, --out, --dtype.
 */
package io.pixelgrad.cli.options;
