package dev.hearth.engine.gguf;

import dev.hearth.engine.tensor.GgmlType;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor as described in a GGUF file. Dimensions are in ggml order, {@code ne0} first: a linear
 * layer of {@code out x in} weights has {@code dims = [in, out]}, each row of {@code in} elements
 * contiguous.
 *
 * @param name     the tensor name, such as {@code blk.0.attn_q.weight}
 * @param type     the storage type
 * @param dims     the dimensions, 1 to 4 of them, {@code ne0} first (copied in and out)
 * @param offset   where the data starts, relative to the start of the data section
 * @param byteSize how many bytes the data takes
 */
public record GgufTensor(String name, GgmlType type, long[] dims, long offset, long byteSize) {

    public GgufTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** The number of elements: the product of the dimensions. */
    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensor t && name.equals(t.name) && type == t.type && Arrays.equals(dims, t.dims)
                && offset == t.offset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(dims), offset, byteSize);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(dims) + " at data offset " + offset + ", " + byteSize + " bytes";
    }
}
