/**
 * {@link io.pixelgrad.zoo.load.ModelLoader}: a model from a name (or "auto") and a weights file of any supported format,
 * with every mismatch reported as one line naming the key and both shapes. Supported API.
 */
package io.pixelgrad.zoo.load;
