/**
 * Every visualization method behind one call shape, {@code attribute(input, target)} of
 * {@link io.pixelgrad.vis.Explainer}, returning an {@link io.pixelgrad.vis.Attribution} that holds the raw array and
 * draws itself: Saliency, GuidedBackprop, Deconvnet (with feature projections), GradCam, GuidedGradCam, Cam,
 * Occlusion, SmoothGrad, IntegratedGradients, InputTimesGradient; and the inspection tools ActivationMaps, Filters,
 * GradientTrace, FragileDecisions, Comparison. Supported API.
 */
package io.pixelgrad.vis;
