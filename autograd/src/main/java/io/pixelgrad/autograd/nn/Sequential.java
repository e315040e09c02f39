package io.pixelgrad.autograd.nn;

import io.pixelgrad.autograd.Tensor;

import java.util.List;

/** Modules applied one after another, named "0", "1", ... as in PyTorch. */
public final class Sequential extends Module {

    /** Chains the given modules in order. */
    public Sequential(Module... modules) {
        for (int i = 0; i < modules.length; i++) addChild(Integer.toString(i), modules[i]);
    }

    /** The modules in order. */
    public List<Module> layers() {
        return List.copyOf(children().values());
    }

    /** The i-th module. */
    public Module get(int i) {
        return layers().get(i);
    }

    @Override
    protected Tensor compute(Tensor x) {
        Tensor in = x;
        for (Module m : children().values()) {
            Tensor y = m.forward(x);
            // a forward-only pass frees each activation once the next layer has used it (never the caller's input)
            if (x != in && x.tape() != null) x.tape().releaseConsumed(x, y);
            x = y;
        }
        return x;
    }
}
