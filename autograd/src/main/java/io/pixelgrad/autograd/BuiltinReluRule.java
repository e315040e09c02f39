package io.pixelgrad.autograd;

import io.pixelgrad.engine.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The three built-in ReLU backward rules, each one fused kernel call ({@link Kernels#reluBackward}). */
enum BuiltinReluRule implements ReluRule {
    STANDARD {
        @Override
        public INDArray backward(INDArray x, INDArray g) {
            return Holder.KERNELS.reluBackward(x, g, false, true);
        }
    },
    GUIDED {
        @Override
        public INDArray backward(INDArray x, INDArray g) {
            return Holder.KERNELS.reluBackward(x, g, true, true);
        }
    },
    DECONVNET {
        @Override
        public INDArray backward(INDArray x, INDArray g) {
            return Holder.KERNELS.reluBackward(x, g, true, false);
        }
    };

    /** The kernels, looked up once (a nested holder: enum constants cannot read their own static fields early). */
    private static final class Holder {
        static final Kernels KERNELS = Kernels.get();
    }
}
