package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

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
    public Activation prepare(float[] x, int n) {
        return Activation.Q8_K.quantize(x, n);
    }

    /** ggml_vec_dot_q4_K_q8_K: integer dots per sub-block, scaled; mins folded in through the Q8_K sums. */
    @Override
    public float dot(long offset, Activation x) {
        Activation.Q8_K a = (Activation.Q8_K) x;
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
}
