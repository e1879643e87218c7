package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_K: super-blocks of 256 = 8 sub-blocks of 32, each with a 6-bit scale and min; layout
 * {@code d (f16), dmin (f16), scales[12], qs[128]}; value = {@code d·sc·q − dmin·m} with q a nibble
 * (low nibbles of 32 bytes for one sub-block, high nibbles of the same bytes for the next).
 */
public final class Q4_KTensor extends FloatTensor {

    static final int BLOCK_BYTES = 144;

    Q4_KTensor(MemorySegment data, long size) {
        super(data, size, GgmlType.Q4_K);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    public float get(long index) {
        long block = index / KQuants.SUPER_BLOCK * BLOCK_BYTES;
        int within = (int) (index % KQuants.SUPER_BLOCK);
        int sub = within / 32;
        int l = within % 32;
        int packed = KQuants.u8(data, block + 16 + (sub / 2) * 32L + l);
        int q = sub % 2 == 0 ? packed & 0x0f : packed >> 4;
        float d = f16(data.get(SHORT_LE, block));
        float dmin = f16(data.get(SHORT_LE, block + 2));
        return d * KQuants.scaleMin(data, block + 4, sub, 0) * q - dmin * KQuants.scaleMin(data, block + 4, sub, 1);
    }

    @Override
    public Activation.Kind activationKind() {
        return Activation.Kind.Q8_K;
    }

    /** ggml_vec_dot_q4_K_q8_K: integer dots per sub-block, scaled; mins folded in through the Q8_K sums. */
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
            int mins = 0;
            for (int sub = 0; sub < 8; sub++) {
                int base = b * 256 + sub * 32;
                long qs = block + 16 + (sub / 2) * 32L;
                int isum = 0;
                for (int l = 0; l < 32; l++) {
                    int packed = KQuants.u8(data, qs + l);
                    isum += (sub % 2 == 0 ? packed & 0x0f : packed >> 4) * q8[base + l];
                }
                scaled += KQuants.scaleMin(data, block + 4, sub, 0) * isum;
                mins += KQuants.scaleMin(data, block + 4, sub, 1) * (a.sums16()[base / 16] + a.sums16()[base / 16 + 1]);
            }
            float dx = a.scales()[b];
            sum += f16(data.get(SHORT_LE, block)) * dx * scaled - f16(data.get(SHORT_LE, block + 2)) * dx * mins;
        }
        return sum;
    }

    /**
     * Vector API: the 32 bytes of a sub-block pair give low nibbles (first sub-block) and high nibbles
     * (second); per sub-block the lane sums are exact integers, scaled once by {@code d·d_x·sc}; the
     * mins come from the Q8_K 16-value sums, as in ggml.
     */
    private float vectorDot(long block, Activation.Q8_K a) {
        float[] x = a.quantsAsFloats();
        FloatVector acc = FloatVector.zero(Vectors.FLOATS);
        float minSum = 0f;
        for (int b = 0; b < a.scales().length; b++, block += BLOCK_BYTES) {
            float dx = a.scales()[b];
            float d = f16(data.get(SHORT_LE, block)) * dx;
            float dmin = f16(data.get(SHORT_LE, block + 2)) * dx;
            int mins = 0;
            for (int pair = 0; pair < 4; pair++) {
                FloatVector lowSum = FloatVector.zero(Vectors.FLOATS);
                FloatVector highSum = FloatVector.zero(Vectors.FLOATS);
                int base = b * 256 + pair * 64;
                for (int l = 0; l < 32; l += Vectors.LANES) {
                    ByteVector packed = Vectors.bytes(data, block + 16 + pair * 32L + l);
                    lowSum = Vectors.widen(packed.and((byte) 0x0f))
                            .fma(FloatVector.fromArray(Vectors.FLOATS, x, base + l), lowSum);
                    highSum = Vectors.widen(packed.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0f))
                            .fma(FloatVector.fromArray(Vectors.FLOATS, x, base + 32 + l), highSum);
                }
                acc = lowSum.fma(FloatVector.broadcast(Vectors.FLOATS, d * KQuants.scaleMin(data, block + 4, 2 * pair, 0)), acc);
                acc = highSum.fma(FloatVector.broadcast(Vectors.FLOATS, d * KQuants.scaleMin(data, block + 4, 2 * pair + 1, 0)), acc);
                mins += KQuants.scaleMin(data, block + 4, 2 * pair, 1) * (a.sums16()[base / 16] + a.sums16()[base / 16 + 1])
                        + KQuants.scaleMin(data, block + 4, 2 * pair + 1, 1) * (a.sums16()[base / 16 + 2] + a.sums16()[base / 16 + 3]);
            }
            minSum += dmin * mins;
        }
        return Vectors.sum(acc) - minSum;
    }
}
