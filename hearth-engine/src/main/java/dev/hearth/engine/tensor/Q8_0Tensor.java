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
 * Q8_0: blocks of 32 values, each block a half-precision scale {@code d} followed by 32 signed
 * bytes {@code q}; value = {@code d * q} ({@code block_q8_0} in ggml-common.h).
 */
public final class Q8_0Tensor extends FloatTensor {

    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;

    Q8_0Tensor(MemorySegment data, long size) {
        super(data, size, GgmlType.Q8_0);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public float get(long index) {
        long block = (index / BLOCK) * BLOCK_BYTES;
        float d = f16(data.get(SHORT_LE, block));
        return d * data.get(ValueLayout.JAVA_BYTE, block + 2 + index % BLOCK);
    }

    @Override
    public Activation.Kind activationKind() {
        return Activation.Kind.Q8_0;
    }

    /** ggml_vec_dot_q8_0_q8_0: per block, integer dot of the quants times both scales. */
    @Override
    public float dot(long offset, Activation x) {
        Activation.Q8_0 a = (Activation.Q8_0) x;
        if (offset % BLOCK != 0) {
            throw new IllegalArgumentException("Q8_0 rows must start on a block boundary: " + offset);
        }
        if (Vectors.QUANTIZED_ENABLED) {
            return vectorDot(offset / BLOCK * BLOCK_BYTES, a);
        }
        byte[] q = a.quants();
        float sum = 0f;
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int b = 0; b < q.length / BLOCK; b++, block += BLOCK_BYTES) {
            float d = f16(data.get(SHORT_LE, block));
            int isum = 0;
            for (int j = 0; j < BLOCK; j++) {
                isum += data.get(ValueLayout.JAVA_BYTE, block + 2 + j) * q[b * BLOCK + j];
            }
            sum += isum * (d * a.scales()[b]);
        }
        return sum;
    }

    /**
     * Bytes widened to floats and multiplied with the activation quants: within a block every partial
     * sum is a small integer, so the float arithmetic is exact, as ggml's integer dot is; the block is
     * then scaled into per-lane accumulators (like ggml's AVX2 kernel) and reduced once.
     */
    private float vectorDot(long block, Activation.Q8_0 a) {
        float[] x = a.quantsAsFloats();
        float[] scales = a.scales();
        FloatVector acc = FloatVector.zero(Vectors.FLOATS);
        for (int b = 0; b < scales.length; b++, block += BLOCK_BYTES) {
            FloatVector blockSum = FloatVector.zero(Vectors.FLOATS);
            for (int j = 0; j < BLOCK; j += Vectors.LANES) {
                FloatVector w = (FloatVector) ByteVector
                        .fromMemorySegment(Vectors.BYTES, data, block + 2 + j, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.B2F, Vectors.FLOATS, 0);
                blockSum = w.fma(FloatVector.fromArray(Vectors.FLOATS, x, b * BLOCK + j), blockSum);
            }
            float scale = f16(data.get(SHORT_LE, block)) * scales[b];
            acc = blockSum.fma(FloatVector.broadcast(Vectors.FLOATS, scale), acc);
        }
        return Vectors.sum(acc);
    }

    /**
     * Four activation rows per pass over a weight row: each block's bytes are widened once and
     * multiplied into four accumulators, every one updated exactly as {@link #vectorDot} updates its
     * single accumulator, so each row's result is bitwise the one-row result.
     */
    @Override
    void dotTile(int row, int cols, Activation[] xs, int t, float[] out, int outIndex, int outStride) {
        if (!Vectors.QUANTIZED_ENABLED) {
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
            for (int j = 0; j < BLOCK; j += Vectors.LANES) {
                FloatVector w = (FloatVector) ByteVector
                        .fromMemorySegment(Vectors.BYTES, data, block + 2 + j, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.B2F, Vectors.FLOATS, 0);
                int i = b * BLOCK + j;
                sum0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, i), sum0);
                sum1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, i), sum1);
                sum2 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x2, i), sum2);
                sum3 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x3, i), sum3);
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
        return Vectors.QUANTIZED_ENABLED;
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
            for (int j = 0; j < BLOCK; j += Vectors.LANES) {
                FloatVector wv = (FloatVector) ByteVector.fromArray(Vectors.BYTES, w, block + 2 + j)
                        .convertShape(VectorOperators.B2F, Vectors.FLOATS, 0);
                blockSum = wv.fma(FloatVector.fromArray(Vectors.FLOATS, xs, b * BLOCK + j), blockSum);
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
            for (int j = 0; j < BLOCK; j += Vectors.LANES) {
                FloatVector wv = (FloatVector) ByteVector.fromArray(Vectors.BYTES, w, block + 2 + j)
                        .convertShape(VectorOperators.B2F, Vectors.FLOATS, 0);
                int i = b * BLOCK + j;
                sum0 = wv.fma(FloatVector.fromArray(Vectors.FLOATS, x0, i), sum0);
                sum1 = wv.fma(FloatVector.fromArray(Vectors.FLOATS, x1, i), sum1);
                sum2 = wv.fma(FloatVector.fromArray(Vectors.FLOATS, x2, i), sum2);
                sum3 = wv.fma(FloatVector.fromArray(Vectors.FLOATS, x3, i), sum3);
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

    /** quantize_row_q8_0_ref: d = amax / 127, q = round-half-away-from-zero(x / d). */
    static byte[] quantize(float[] values) {
        requireMultiple(values, BLOCK, GgmlType.Q8_0);
        ByteBuffer out = ByteBuffer.allocate(values.length / BLOCK * BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < values.length; b += BLOCK) {
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) {
                amax = Math.max(amax, Math.abs(values[b + j]));
            }
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            out.putShort(f16Bits(d));
            for (int j = 0; j < BLOCK; j++) {
                out.put((byte) roundHalfAwayFromZero(values[b + j] * id));
            }
        }
        return out.array();
    }

    /** C's roundf. */
    static int roundHalfAwayFromZero(float v) {
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }
}
