package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * What the K-quants (super-blocks of 256 with per-sub-block scales, Q8_K inputs) share: with vectors
 * their products are {@link Panel} products — a row's dequantized values ({@link #dequantizeRow})
 * times the input's dequantized values in split order, computed by {@link #panelDot} straight from the
 * packed bytes for one row and on float panels for a batch, bitwise alike. Without vectors, each
 * type's ggml reference dot product ({@link #scalarDot}).
 */
abstract sealed class KQuantTensor extends FloatTensor permits Q4_KTensor, Q5_KTensor, Q6_KTensor {

    /** Per-thread room for a super-block's sub-block scales (and mins), unpacked once per super-block. */
    static final ThreadLocal<float[]> SUB_SCALES = ThreadLocal.withInitial(() -> new float[16]);

    private final int blockBytes;

    KQuantTensor(MemorySegment data, long size, GgmlType type) {
        super(data, size, type);
        this.blockBytes = type.typeSize();
    }

    @Override
    public final Activation.Kind activationKind() {
        return Activation.Kind.Q8_K;
    }

    @Override
    public final float dot(long offset, Activation x) {
        Activation.Q8_K a = (Activation.Q8_K) x;
        long block = offset / KQuants.SUPER_BLOCK * blockBytes;
        if (!panelKernels()) {
            return scalarDot(block, a);
        }
        int cols = a.length();
        if (offset % cols != 0) {
            throw new IllegalArgumentException(type() + " dot products take whole rows: offset " + offset);
        }
        return panelDot(block, a.values(), cols);
    }

    /** The ggml reference dot product of the row whose first super-block is at byte {@code block}. */
    abstract float scalarDot(long block, Activation.Q8_K a);

    /**
     * The row whose first super-block is at byte {@code rowStart} times the split input {@code x},
     * with exactly {@link Panel#dot}'s arithmetic on the values {@link #dequantizeRow} gives.
     */
    abstract float panelDot(long rowStart, float[] x, int cols);

    /** The row whose first super-block is at byte {@code block}, dequantized into {@code out[at...]} in split order. */
    abstract void dequantizeRow(long block, int cols, float[] out, int at);

    @Override
    final boolean panelKernels() {
        return Vectors.K_QUANTS_ENABLED;
    }

    @Override
    final float[] panelInput(Activation x) {
        return ((Activation.Q8_K) x).values();
    }

    @Override
    final void dequantizeRows(int r0, int r1, int cols, float[] panel) {
        long rowBytes = (long) cols / KQuants.SUPER_BLOCK * blockBytes;
        for (int r = r0; r < r1; r++) {
            dequantizeRow(r * rowBytes, cols, panel, (r - r0) * cols);
        }
    }
}
