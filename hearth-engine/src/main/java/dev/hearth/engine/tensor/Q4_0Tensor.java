package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0: blocks of 32 values, each a half-precision scale {@code d} and 16 bytes of nibbles; byte
 * {@code j} holds element {@code j} in its low nibble and element {@code j + 16} in its high
 * nibble; value = {@code d * (nibble - 8)} ({@code block_q4_0} in ggml-common.h).
 */
public final class Q4_0Tensor extends FloatTensor {

    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;

    Q4_0Tensor(MemorySegment data, long size) {
        super(data, size, GgmlType.Q4_0);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public float get(long index) {
        long block = (index / BLOCK) * BLOCK_BYTES;
        int within = (int) (index % BLOCK);
        float d = f16(data.get(SHORT_LE, block));
        int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + (within & 15));
        int q = within < 16 ? packed & 0x0f : (packed >> 4) & 0x0f;
        return d * (q - 8);
    }

    @Override
    public Activation.Kind activationKind() {
        return Activation.Kind.Q8_0;
    }

    /** ggml_vec_dot_q4_0_q8_0: per block, integer dot of (nibble - 8) with the Q8_0 input, times both scales. */
    @Override
    public float dot(long offset, Activation x) {
        Activation.Q8_0 a = (Activation.Q8_0) x;
        if (offset % BLOCK != 0) {
            throw new IllegalArgumentException("Q4_0 rows must start on a block boundary: " + offset);
        }
        if (Vectors.QUANTIZED_ENABLED && Vectors.LANES <= BLOCK / 2) {
            return vectorDot(offset / BLOCK * BLOCK_BYTES, a);
        }
        byte[] q = a.quants();
        float sum = 0f;
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int b = 0; b < q.length / BLOCK; b++, block += BLOCK_BYTES) {
            float d = f16(data.get(SHORT_LE, block));
            int isum = 0;
            for (int j = 0; j < BLOCK / 2; j++) {
                int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + j);
                isum += ((packed & 0x0f) - 8) * q[b * BLOCK + j] + (((packed >> 4) & 0x0f) - 8) * q[b * BLOCK + j + 16];
            }
            sum += isum * (d * a.scales()[b]);
        }
        return sum;
    }

    /** As {@link Q8_0Tensor}'s vector dot, with low nibbles for the first half of a block, high for the second. */
    private float vectorDot(long block, Activation.Q8_0 a) {
        float[] x = a.quantsAsFloats();
        float[] scales = a.scales();
        FloatVector acc = FloatVector.zero(Vectors.FLOATS);
        for (int b = 0; b < scales.length; b++, block += BLOCK_BYTES) {
            FloatVector blockSum = FloatVector.zero(Vectors.FLOATS);
            for (int j = 0; j < BLOCK / 2; j += Vectors.LANES) {
                ByteVector packed = ByteVector.fromMemorySegment(Vectors.BYTES, data, block + 2 + j, ByteOrder.LITTLE_ENDIAN);
                FloatVector lo = (FloatVector) packed.and((byte) 0x0f).sub((byte) 8)
                        .convertShape(VectorOperators.B2F, Vectors.FLOATS, 0);
                FloatVector hi = (FloatVector) packed.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0f).sub((byte) 8)
                        .convertShape(VectorOperators.B2F, Vectors.FLOATS, 0);
                blockSum = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x, b * BLOCK + j), blockSum);
                blockSum = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x, b * BLOCK + BLOCK / 2 + j), blockSum);
            }
            float scale = f16(data.get(SHORT_LE, block)) * scales[b];
            acc = blockSum.fma(FloatVector.broadcast(Vectors.FLOATS, scale), acc);
        }
        return Vectors.sum(acc);
    }

    /** As {@link Q8_0Tensor}'s tile: nibbles decoded once per block for four activation rows. */
    @Override
    void dotTile(int row, int cols, Activation[] xs, int t, float[] out, int outIndex, int outStride) {
        if (!(Vectors.QUANTIZED_ENABLED && Vectors.LANES <= BLOCK / 2)) {
            super.dotTile(row, cols, xs, t, out, outIndex, outStride);
            return;
        }
        Activation.Q8_0 a0 = (Activation.Q8_0) xs[t];
        Activation.Q8_0 a1 = (Activation.Q8_0) xs[t + 1];
        Activation.Q8_0 a2 = (Activation.Q8_0) xs[t + 2];
        Activation.Q8_0 a3 = (Activation.Q8_0) xs[t + 3];
        float[] x0 = a0.quantsAsFloats(), x1 = a1.quantsAsFloats(), x2 = a2.quantsAsFloats(), x3 = a3.quantsAsFloats();
        float[] s0 = a0.scales(), s1 = a1.scales(), s2 = a2.scales(), s3 = a3.scales();
        FloatVector acc0 = FloatVector.zero(Vectors.FLOATS), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        long block = (long) row * (cols / BLOCK) * BLOCK_BYTES;
        int blocks = cols / BLOCK;
        for (int b = 0; b < blocks; b++, block += BLOCK_BYTES) {
            FloatVector sum0 = FloatVector.zero(Vectors.FLOATS), sum1 = sum0, sum2 = sum0, sum3 = sum0;
            for (int j = 0; j < BLOCK / 2; j += Vectors.LANES) {
                ByteVector packed = ByteVector.fromMemorySegment(Vectors.BYTES, data, block + 2 + j, ByteOrder.LITTLE_ENDIAN);
                FloatVector lo = (FloatVector) packed.and((byte) 0x0f).sub((byte) 8)
                        .convertShape(VectorOperators.B2F, Vectors.FLOATS, 0);
                FloatVector hi = (FloatVector) packed.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0f).sub((byte) 8)
                        .convertShape(VectorOperators.B2F, Vectors.FLOATS, 0);
                int i = b * BLOCK + j;
                int k = i + BLOCK / 2;
                sum0 = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x0, i), sum0);
                sum0 = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x0, k), sum0);
                sum1 = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x1, i), sum1);
                sum1 = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x1, k), sum1);
                sum2 = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x2, i), sum2);
                sum2 = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x2, k), sum2);
                sum3 = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x3, i), sum3);
                sum3 = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x3, k), sum3);
            }
            float d = f16(data.get(SHORT_LE, block));
            acc0 = sum0.fma(FloatVector.broadcast(Vectors.FLOATS, d * s0[b]), acc0);
            acc1 = sum1.fma(FloatVector.broadcast(Vectors.FLOATS, d * s1[b]), acc1);
            acc2 = sum2.fma(FloatVector.broadcast(Vectors.FLOATS, d * s2[b]), acc2);
            acc3 = sum3.fma(FloatVector.broadcast(Vectors.FLOATS, d * s3[b]), acc3);
        }
        out[outIndex] = Vectors.sum(acc0);
        out[outIndex + outStride] = Vectors.sum(acc1);
        out[outIndex + 2 * outStride] = Vectors.sum(acc2);
        out[outIndex + 3 * outStride] = Vectors.sum(acc3);
    }

    @Override
    boolean copiesRows() {
        return Vectors.QUANTIZED_ENABLED && Vectors.LANES <= BLOCK / 2;
    }

    /** {@link #vectorDot} over a copy of the row: the same arithmetic. */
    @Override
    float dot(byte[] w, int base, int cols, Activation x) {
        Activation.Q8_0 a = (Activation.Q8_0) x;
        float[] xs = a.quantsAsFloats();
        float[] scales = a.scales();
        FloatVector acc = FloatVector.zero(Vectors.FLOATS);
        int block = base;
        for (int b = 0; b < scales.length; b++, block += BLOCK_BYTES) {
            FloatVector blockSum = FloatVector.zero(Vectors.FLOATS);
            for (int j = 0; j < BLOCK / 2; j += Vectors.LANES) {
                ByteVector packed = ByteVector.fromArray(Vectors.BYTES, w, block + 2 + j);
                FloatVector lo = (FloatVector) packed.and((byte) 0x0f).sub((byte) 8)
                        .convertShape(VectorOperators.B2F, Vectors.FLOATS, 0);
                FloatVector hi = (FloatVector) packed.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0f).sub((byte) 8)
                        .convertShape(VectorOperators.B2F, Vectors.FLOATS, 0);
                blockSum = lo.fma(FloatVector.fromArray(Vectors.FLOATS, xs, b * BLOCK + j), blockSum);
                blockSum = hi.fma(FloatVector.fromArray(Vectors.FLOATS, xs, b * BLOCK + BLOCK / 2 + j), blockSum);
            }
            float scale = f16((short) ((w[block] & 0xff) | (w[block + 1] << 8))) * scales[b];
            acc = blockSum.fma(FloatVector.broadcast(Vectors.FLOATS, scale), acc);
        }
        return Vectors.sum(acc);
    }

    /** {@link #dotTile(int, int, Activation[], int, float[], int, int)} over a copy of the row: the same arithmetic. */
    @Override
    void dotTile(byte[] w, int base, int cols, Activation[] xs, int t, float[] out, int outIndex, int outStride) {
        Activation.Q8_0 a0 = (Activation.Q8_0) xs[t];
        Activation.Q8_0 a1 = (Activation.Q8_0) xs[t + 1];
        Activation.Q8_0 a2 = (Activation.Q8_0) xs[t + 2];
        Activation.Q8_0 a3 = (Activation.Q8_0) xs[t + 3];
        float[] x0 = a0.quantsAsFloats(), x1 = a1.quantsAsFloats(), x2 = a2.quantsAsFloats(), x3 = a3.quantsAsFloats();
        float[] s0 = a0.scales(), s1 = a1.scales(), s2 = a2.scales(), s3 = a3.scales();
        FloatVector acc0 = FloatVector.zero(Vectors.FLOATS), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        int blocks = cols / BLOCK;
        int block = base;
        for (int b = 0; b < blocks; b++, block += BLOCK_BYTES) {
            FloatVector sum0 = FloatVector.zero(Vectors.FLOATS), sum1 = sum0, sum2 = sum0, sum3 = sum0;
            for (int j = 0; j < BLOCK / 2; j += Vectors.LANES) {
                ByteVector packed = ByteVector.fromArray(Vectors.BYTES, w, block + 2 + j);
                FloatVector lo = (FloatVector) packed.and((byte) 0x0f).sub((byte) 8)
                        .convertShape(VectorOperators.B2F, Vectors.FLOATS, 0);
                FloatVector hi = (FloatVector) packed.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0f).sub((byte) 8)
                        .convertShape(VectorOperators.B2F, Vectors.FLOATS, 0);
                int i = b * BLOCK + j;
                int k = i + BLOCK / 2;
                sum0 = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x0, i), sum0);
                sum0 = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x0, k), sum0);
                sum1 = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x1, i), sum1);
                sum1 = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x1, k), sum1);
                sum2 = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x2, i), sum2);
                sum2 = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x2, k), sum2);
                sum3 = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x3, i), sum3);
                sum3 = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x3, k), sum3);
            }
            float d = f16((short) ((w[block] & 0xff) | (w[block + 1] << 8)));
            acc0 = sum0.fma(FloatVector.broadcast(Vectors.FLOATS, d * s0[b]), acc0);
            acc1 = sum1.fma(FloatVector.broadcast(Vectors.FLOATS, d * s1[b]), acc1);
            acc2 = sum2.fma(FloatVector.broadcast(Vectors.FLOATS, d * s2[b]), acc2);
            acc3 = sum3.fma(FloatVector.broadcast(Vectors.FLOATS, d * s3[b]), acc3);
        }
        out[outIndex] = Vectors.sum(acc0);
        out[outIndex + outStride] = Vectors.sum(acc1);
        out[outIndex + 2 * outStride] = Vectors.sum(acc2);
        out[outIndex + 3 * outStride] = Vectors.sum(acc3);
    }

    /**
     * quantize_row_q4_0_ref: {@code d = max / -8} where {@code max} is the value of largest
     * magnitude (sign kept), nibble = min(15, (int)(x / d + 8.5)).
     */
    static byte[] quantize(float[] values) {
        requireMultiple(values, BLOCK, GgmlType.Q4_0);
        ByteBuffer out = ByteBuffer.allocate(values.length / BLOCK * BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < values.length; b += BLOCK) {
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < BLOCK; j++) {
                float v = values[b + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8f;
            float id = d != 0f ? 1f / d : 0f;
            out.putShort(f16Bits(d));
            for (int j = 0; j < BLOCK / 2; j++) {
                int lo = Math.min(15, (int) (byte) (int) (values[b + j] * id + 8.5f));
                int hi = Math.min(15, (int) (byte) (int) (values[b + BLOCK / 2 + j] * id + 8.5f));
                out.put((byte) (lo | (hi << 4)));
            }
        }
        return out.array();
    }
}
