/**
 * Timing helpers for the visualization methods ({@link io.pixelgrad.vis.bench.MethodTimer}, used by the benchmarks).
 * Internal: no compatibility promise.
 */
package io.pixelgrad.vis.bench;
