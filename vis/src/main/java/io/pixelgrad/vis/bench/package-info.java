/**
 * Timing helpers for the visualization methods (used by the benchmarks).
 */
package io.pixelgrad.vis.bench;
