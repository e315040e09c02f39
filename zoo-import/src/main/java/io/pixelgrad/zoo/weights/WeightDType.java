package io.pixelgrad.zoo.weights;

/** The element type a tensor had in its file; every tensor is handed out as float32 whatever its source type. */
public enum WeightDType {
    /** IEEE half precision (2 bytes). */
    F16(2),
    /** bfloat16: the upper half of a float32 (2 bytes). */
    BF16(2),
    /** IEEE single precision (4 bytes). */
    F32(4),
    /** IEEE double precision (8 bytes), narrowed to float32 on read. */
    F64(8);

    private final int size;

    WeightDType(int size) {
        this.size = size;
    }

    /** Bytes per element in the file. */
    public int size() {
        return size;
    }
}
