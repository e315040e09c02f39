/**
 * Reading pictures (PNG, JPEG, BMP, .npy) and preprocessing them exactly as torchvision does (resize with PIL's
 * antialiasing, centre crop, normalization presets). Supported API.
 */
package io.pixelgrad.zoo.images;
