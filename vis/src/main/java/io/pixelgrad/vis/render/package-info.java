/**
 * Drawing: colormaps, heatmaps, overlays, grids, filmstrips, PNG encoding and the HTML report. Supported API.
 */
package io.pixelgrad.vis.render;
