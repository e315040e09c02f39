package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tensor;
import io.pixelgrad.autograd.functions.Reshape;

/** [N, C, H, W] to [N, C*H*W] in channel-major order. */
public final class Flatten extends Module {

    @Override
    protected Tensor compute(Tensor x) {
        return Reshape.flatten(x);
    }
}
