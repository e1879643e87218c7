package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q6_K: super-blocks of 256 = 16 sub-blocks of 16 with signed 8-bit scales; layout
 * {@code ql[128], qh[64], scales[16], d (f16)}; value = {@code d·sc·(q − 32)} with q six bits,
 * four from {@code ql} and two from {@code qh}, interleaved in halves of 128 as ggml does.
 */
public final class Q6_KTensor extends FloatTensor {

    static final int BLOCK_BYTES = 210;

    Q6_KTensor(MemorySegment data, long size) {
        super(data, size, GgmlType.Q6_K);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    /** The 6-bit value (0..63) of element {@code within} (0..255) and its sub-block scale index. */
    private int quant(long block, int within) {
        int half = within / 128;
        int r = within % 128;
        int quadrant = r / 32;
        int l = r % 32;
        long ql = block + half * 64L + (quadrant % 2 == 1 ? 32 : 0) + l;
        int low = quadrant < 2 ? KQuants.u8(data, ql) & 0x0f : KQuants.u8(data, ql) >> 4;
        int high = (KQuants.u8(data, block + 128 + half * 32L + l) >> (2 * quadrant)) & 3;
        return low | (high << 4);
    }

    private int scale(long block, int within) {
        int half = within / 128;
        int r = within % 128;
        return data.get(ValueLayout.JAVA_BYTE, block + 192 + half * 8L + (r % 32) / 16 + 2 * (r / 32));
    }

    @Override
    public float get(long index) {
        long block = index / KQuants.SUPER_BLOCK * BLOCK_BYTES;
        int within = (int) (index % KQuants.SUPER_BLOCK);
        float d = f16(data.get(SHORT_LE, block + 208));
        return d * scale(block, within) * (quant(block, within) - 32);
    }

    @Override
    public Activation.Kind activationKind() {
        return Activation.Kind.Q8_K;
    }

    /** ggml_vec_dot_q6_K_q8_K: integer dots per 16-value sub-block times its scale, then d·d_x. */
    @Override
    public float dot(long offset, Activation x) {
        Activation.Q8_K a = (Activation.Q8_K) x;
        if (Vectors.K_QUANTS_ENABLED) {
            return vectorDot(offset / KQuants.SUPER_BLOCK * BLOCK_BYTES, a);
        }
        byte[] q8 = a.quants();
        float sum = 0f;
        long block = offset / KQuants.SUPER_BLOCK * BLOCK_BYTES;
        for (int b = 0; b < a.scales().length; b++, block += BLOCK_BYTES) {
            int scaled = 0;
            for (int sub = 0; sub < 16; sub++) {
                int isum = 0;
                for (int i = sub * 16; i < sub * 16 + 16; i++) {
                    isum += (quant(block, i) - 32) * q8[b * 256 + i];
                }
                scaled += scale(block, sub * 16) * isum;
            }
            sum += f16(data.get(SHORT_LE, block + 208)) * a.scales()[b] * scaled;
        }
        return sum;
    }

    /** Four activation rows per pass: each 16-value group's quants decoded once, accumulated per row as {@link #vectorDot} does. */
    @Override
    void dotTile(int row, int cols, Activation[] xs, int t, float[] out, int outIndex, int outStride) {
        if (!Vectors.K_QUANTS_ENABLED) {
            super.dotTile(row, cols, xs, t, out, outIndex, outStride);
            return;
        }
        Activation.Q8_K a0 = (Activation.Q8_K) xs[t + 0];
        Activation.Q8_K a1 = (Activation.Q8_K) xs[t + 1];
        Activation.Q8_K a2 = (Activation.Q8_K) xs[t + 2];
        Activation.Q8_K a3 = (Activation.Q8_K) xs[t + 3];
        float[] x0 = a0.quantsAsFloats();
        float[] x1 = a1.quantsAsFloats();
        float[] x2 = a2.quantsAsFloats();
        float[] x3 = a3.quantsAsFloats();
        FloatVector acc0 = FloatVector.zero(Vectors.FLOATS), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        long block = (long) row * (cols / KQuants.SUPER_BLOCK) * BLOCK_BYTES;
        int supers = cols / KQuants.SUPER_BLOCK;
        for (int b = 0; b < supers; b++, block += BLOCK_BYTES) {
            float wd = f16(data.get(SHORT_LE, block + 208));
            float d0 = wd * a0.scales()[b];
            float d1 = wd * a1.scales()[b];
            float d2 = wd * a2.scales()[b];
            float d3 = wd * a3.scales()[b];
            for (int half = 0; half < 2; half++) {
                long ql = block + half * 64L;
                long qh = block + 128 + half * 32L;
                for (int quadrant = 0; quadrant < 4; quadrant++) {
                    int base = b * 256 + half * 128 + quadrant * 32;
                    for (int group = 0; group < 2; group++) {
                        FloatVector g0 = FloatVector.zero(Vectors.FLOATS), g1 = g0, g2 = g0, g3 = g0;
                        for (int l = group * 16; l < group * 16 + 16; l += Vectors.LANES) {
                            ByteVector lowBits = Vectors.bytes(data, ql + (quadrant % 2) * 32L + l);
                            lowBits = quadrant < 2 ? lowBits.and((byte) 0x0f)
                                    : lowBits.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0f);
                            ByteVector highBits = Vectors.bytes(data, qh + l)
                                    .lanewise(VectorOperators.ASHR, 2 * quadrant).and((byte) 3);
                            FloatVector q = Vectors.widen(lowBits.or(highBits.lanewise(VectorOperators.LSHL, 4)).sub((byte) 32));
                            g0 = q.fma(FloatVector.fromArray(Vectors.FLOATS, x0, base + l), g0);
                            g1 = q.fma(FloatVector.fromArray(Vectors.FLOATS, x1, base + l), g1);
                            g2 = q.fma(FloatVector.fromArray(Vectors.FLOATS, x2, base + l), g2);
                            g3 = q.fma(FloatVector.fromArray(Vectors.FLOATS, x3, base + l), g3);
                        }
                        int scale = data.get(ValueLayout.JAVA_BYTE, block + 192 + half * 8L + group + 2 * quadrant);
                        acc0 = g0.fma(FloatVector.broadcast(Vectors.FLOATS, d0 * scale), acc0);
                        acc1 = g1.fma(FloatVector.broadcast(Vectors.FLOATS, d1 * scale), acc1);
                        acc2 = g2.fma(FloatVector.broadcast(Vectors.FLOATS, d2 * scale), acc2);
                        acc3 = g3.fma(FloatVector.broadcast(Vectors.FLOATS, d3 * scale), acc3);
                    }
                }
            }
        }
        out[outIndex + 0 * outStride] = Vectors.sum(acc0);
        out[outIndex + 1 * outStride] = Vectors.sum(acc1);
        out[outIndex + 2 * outStride] = Vectors.sum(acc2);
        out[outIndex + 3 * outStride] = Vectors.sum(acc3);
    }

    @Override
    boolean copiesRows() {
        return Vectors.K_QUANTS_ENABLED;
    }

    /** {@link #vectorDot} over a copy of the row: the same arithmetic. */
    @Override
    float dot(byte[] w, int rowStart, int cols, Activation input) {
        Activation.Q8_K a = (Activation.Q8_K) input;
        int block = rowStart;
        float[] x = a.quantsAsFloats();
        FloatVector acc = FloatVector.zero(Vectors.FLOATS);
        for (int b = 0; b < a.scales().length; b++, block += BLOCK_BYTES) {
            float d = f16(KQuants.half(w, block + 208)) * a.scales()[b];
            for (int half = 0; half < 2; half++) {
                int ql = block + half * 64;
                int qh = block + 128 + half * 32;
                for (int quadrant = 0; quadrant < 4; quadrant++) {
                    int base = b * 256 + half * 128 + quadrant * 32;
                    for (int group = 0; group < 2; group++) {
                        FloatVector groupSum = FloatVector.zero(Vectors.FLOATS);
                        for (int l = group * 16; l < group * 16 + 16; l += Vectors.LANES) {
                            ByteVector lowBits = Vectors.bytes(w, ql + (quadrant % 2) * 32 + l);
                            lowBits = quadrant < 2 ? lowBits.and((byte) 0x0f)
                                    : lowBits.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0f);
                            ByteVector highBits = Vectors.bytes(w, qh + l)
                                    .lanewise(VectorOperators.ASHR, 2 * quadrant).and((byte) 3);
                            ByteVector q = lowBits.or(highBits.lanewise(VectorOperators.LSHL, 4)).sub((byte) 32);
                            groupSum = Vectors.widen(q).fma(FloatVector.fromArray(Vectors.FLOATS, x, base + l), groupSum);
                        }
                        int scale = w[block + 192 + half * 8 + group + 2 * quadrant];
                        acc = groupSum.fma(FloatVector.broadcast(Vectors.FLOATS, d * scale), acc);
                    }
                }
            }
        }
        return Vectors.sum(acc);
    }

    /** {@link #dotTile(int, int, Activation[], int, float[], int, int)} over a copy of the row: the same arithmetic. */
    @Override
    void dotTile(byte[] w, int rowStart, int cols, Activation[] xs, int t, float[] out, int outIndex, int outStride) {
        Activation.Q8_K a0 = (Activation.Q8_K) xs[t + 0];
        Activation.Q8_K a1 = (Activation.Q8_K) xs[t + 1];
        Activation.Q8_K a2 = (Activation.Q8_K) xs[t + 2];
        Activation.Q8_K a3 = (Activation.Q8_K) xs[t + 3];
        float[] x0 = a0.quantsAsFloats();
        float[] x1 = a1.quantsAsFloats();
        float[] x2 = a2.quantsAsFloats();
        float[] x3 = a3.quantsAsFloats();
        FloatVector acc0 = FloatVector.zero(Vectors.FLOATS), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        int block = rowStart;
        int supers = cols / KQuants.SUPER_BLOCK;
        for (int b = 0; b < supers; b++, block += BLOCK_BYTES) {
            float wd = f16(KQuants.half(w, block + 208));
            float d0 = wd * a0.scales()[b];
            float d1 = wd * a1.scales()[b];
            float d2 = wd * a2.scales()[b];
            float d3 = wd * a3.scales()[b];
            for (int half = 0; half < 2; half++) {
                int ql = block + half * 64;
                int qh = block + 128 + half * 32;
                for (int quadrant = 0; quadrant < 4; quadrant++) {
                    int base = b * 256 + half * 128 + quadrant * 32;
                    for (int group = 0; group < 2; group++) {
                        FloatVector g0 = FloatVector.zero(Vectors.FLOATS), g1 = g0, g2 = g0, g3 = g0;
                        for (int l = group * 16; l < group * 16 + 16; l += Vectors.LANES) {
                            ByteVector lowBits = Vectors.bytes(w, ql + (quadrant % 2) * 32 + l);
                            lowBits = quadrant < 2 ? lowBits.and((byte) 0x0f)
                                    : lowBits.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0f);
                            ByteVector highBits = Vectors.bytes(w, qh + l)
                                    .lanewise(VectorOperators.ASHR, 2 * quadrant).and((byte) 3);
                            FloatVector q = Vectors.widen(lowBits.or(highBits.lanewise(VectorOperators.LSHL, 4)).sub((byte) 32));
                            g0 = q.fma(FloatVector.fromArray(Vectors.FLOATS, x0, base + l), g0);
                            g1 = q.fma(FloatVector.fromArray(Vectors.FLOATS, x1, base + l), g1);
                            g2 = q.fma(FloatVector.fromArray(Vectors.FLOATS, x2, base + l), g2);
                            g3 = q.fma(FloatVector.fromArray(Vectors.FLOATS, x3, base + l), g3);
                        }
                        int scale = w[block + 192 + half * 8 + group + 2 * quadrant];
                        acc0 = g0.fma(FloatVector.broadcast(Vectors.FLOATS, d0 * scale), acc0);
                        acc1 = g1.fma(FloatVector.broadcast(Vectors.FLOATS, d1 * scale), acc1);
                        acc2 = g2.fma(FloatVector.broadcast(Vectors.FLOATS, d2 * scale), acc2);
                        acc3 = g3.fma(FloatVector.broadcast(Vectors.FLOATS, d3 * scale), acc3);
                    }
                }
            }
        }
        out[outIndex + 0 * outStride] = Vectors.sum(acc0);
        out[outIndex + 1 * outStride] = Vectors.sum(acc1);
        out[outIndex + 2 * outStride] = Vectors.sum(acc2);
        out[outIndex + 3 * outStride] = Vectors.sum(acc3);
    }

    /**
     * Vector API: per half of 128 and quadrant of 32, four bits from {@code ql} (low or high nibble)
     * and two from {@code qh}; each 16-value sub-block's exact lane sums scaled by {@code d·d_x·sc}.
     */
    private float vectorDot(long block, Activation.Q8_K a) {
        float[] x = a.quantsAsFloats();
        FloatVector acc = FloatVector.zero(Vectors.FLOATS);
        for (int b = 0; b < a.scales().length; b++, block += BLOCK_BYTES) {
            float d = f16(data.get(SHORT_LE, block + 208)) * a.scales()[b];
            for (int half = 0; half < 2; half++) {
                long ql = block + half * 64L;
                long qh = block + 128 + half * 32L;
                for (int quadrant = 0; quadrant < 4; quadrant++) {
                    int base = b * 256 + half * 128 + quadrant * 32;
                    for (int group = 0; group < 2; group++) {
                        FloatVector groupSum = FloatVector.zero(Vectors.FLOATS);
                        for (int l = group * 16; l < group * 16 + 16; l += Vectors.LANES) {
                            ByteVector lowBits = Vectors.bytes(data, ql + (quadrant % 2) * 32L + l);
                            lowBits = quadrant < 2 ? lowBits.and((byte) 0x0f)
                                    : lowBits.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0f);
                            ByteVector highBits = Vectors.bytes(data, qh + l)
                                    .lanewise(VectorOperators.ASHR, 2 * quadrant).and((byte) 3);
                            ByteVector q = lowBits.or(highBits.lanewise(VectorOperators.LSHL, 4)).sub((byte) 32);
                            groupSum = Vectors.widen(q).fma(FloatVector.fromArray(Vectors.FLOATS, x, base + l), groupSum);
                        }
                        int scale = data.get(ValueLayout.JAVA_BYTE, block + 192 + half * 8L + group + 2 * quadrant);
                        acc = groupSum.fma(FloatVector.broadcast(Vectors.FLOATS, d * scale), acc);
                    }
                }
            }
        }
        return Vectors.sum(acc);
    }
}
