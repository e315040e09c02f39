/**
 * Class names: ImageNet's 1000 classes, looked up by index or by (part of a) name.
 */
package io.pixelgrad.zoo.labels;
