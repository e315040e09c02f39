package io.pixelgrad.engine;

import org.nd4j.linalg.factory.Nd4j;

/** Chooses the kernel set once per JVM: from the system property, else from the ND4J backend. */
final class KernelSelection {

    static final Kernels INSTANCE = choose();

    private KernelSelection() {
    }

    private static Kernels choose() {
        String forced = System.getProperty(Kernels.PROPERTY, "").trim().toLowerCase(java.util.Locale.ROOT);
        switch (forced) {
            case "cpu":
                return new CpuKernels();
            case "portable":
                return new PortableKernels();
            case "":
                break;
            default:
                throw new IllegalArgumentException("-D" + Kernels.PROPERTY + " must be 'cpu' or 'portable', not '" + forced + "'");
        }
        String backend = Nd4j.getBackend().getClass().getName();
        return backend.contains("CpuBackend") ? new CpuKernels() : new PortableKernels();
    }
}
