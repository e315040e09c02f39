/**
 * Benchmarks: the side-by-side runner of bench/compare (one pass of one network, timed, with peak memory) and a
 * per-layer profiler. Not part of the library API.
 */
package io.pixelgrad.bench;
