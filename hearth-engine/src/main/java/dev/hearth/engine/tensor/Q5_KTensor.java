package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q5_K: as {@link Q4_KTensor} with a fifth bit per value; layout
 * {@code d, dmin, scales[12], qh[32], qs[128]}; bit {@code sub} of {@code qh[l]} adds 16 to value
 * {@code l} of sub-block {@code sub}.
 */
public final class Q5_KTensor extends FloatTensor {

    static final int BLOCK_BYTES = 176;

    Q5_KTensor(MemorySegment data, long size) {
        super(data, size, GgmlType.Q5_K);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    private int quant(long block, int sub, int l) {
        int packed = KQuants.u8(data, block + 48 + (sub / 2) * 32L + l);
        int low = sub % 2 == 0 ? packed & 0x0f : packed >> 4;
        int high = (KQuants.u8(data, block + 16 + l) >> sub) & 1;
        return low | (high << 4);
    }

    @Override
    public float get(long index) {
        long block = index / KQuants.SUPER_BLOCK * BLOCK_BYTES;
        int within = (int) (index % KQuants.SUPER_BLOCK);
        int sub = within / 32;
        float d = f16(data.get(SHORT_LE, block));
        float dmin = f16(data.get(SHORT_LE, block + 2));
        return d * KQuants.scaleMin(data, block + 4, sub, 0) * quant(block, sub, within % 32)
                - dmin * KQuants.scaleMin(data, block + 4, sub, 1);
    }

    @Override
    public Activation.Kind activationKind() {
        return Activation.Kind.Q8_K;
    }

    /** ggml_vec_dot_q5_K_q8_K. */
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
                int isum = 0;
                for (int l = 0; l < 32; l++) {
                    isum += quant(block, sub, l) * q8[base + l];
                }
                scaled += KQuants.scaleMin(data, block + 4, sub, 0) * isum;
                mins += KQuants.scaleMin(data, block + 4, sub, 1) * (a.sums16()[base / 16] + a.sums16()[base / 16 + 1]);
            }
            float dx = a.scales()[b];
            sum += f16(data.get(SHORT_LE, block)) * dx * scaled - f16(data.get(SHORT_LE, block + 2)) * dx * mins;
        }
        return sum;
    }

    /** As {@link Q4_KTensor}'s vector dot, with bit {@code sub} of {@code qh} adding 16. */
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
                    ByteVector packed = Vectors.bytes(data, block + 48 + pair * 32L + l);
                    ByteVector qh = Vectors.bytes(data, block + 16 + l);
                    ByteVector low = packed.and((byte) 0x0f)
                            .or(qh.lanewise(VectorOperators.ASHR, 2 * pair).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
                    ByteVector high = packed.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0f)
                            .or(qh.lanewise(VectorOperators.ASHR, 2 * pair + 1).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
                    lowSum = Vectors.widen(low).fma(FloatVector.fromArray(Vectors.FLOATS, x, base + l), lowSum);
                    highSum = Vectors.widen(high).fma(FloatVector.fromArray(Vectors.FLOATS, x, base + 32 + l), highSum);
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
