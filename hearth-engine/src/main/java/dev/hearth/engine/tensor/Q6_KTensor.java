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
