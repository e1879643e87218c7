package dev.hearth.engine.gguf;

import java.util.Arrays;

/**
 * A tensor's entry in the GGUF header. {@code shape} is in ggml order: {@code shape[0]} is the
 * contiguous (row) dimension, so a weight matrix with {@code rows} outputs of {@code cols} inputs
 * has shape {@code {cols, rows}}. {@code offset} is relative to the start of the data section.
 */
public record GgufTensorInfo(String name, long[] shape, GgmlType type, long offset) {

    public GgufTensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int dimensions() {
        return shape.length;
    }

    public long dimension(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long byteSize() {
        return type.byteSize(elementCount());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t
                && t.name.equals(name) && Arrays.equals(t.shape, shape) && t.type == type && t.offset == offset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " " + type + " @" + offset;
    }
}
