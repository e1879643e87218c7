package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

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
    public Activation prepare(float[] x, int n) {
        return Activation.Q8_K.quantize(x, n);
    }

    /** ggml_vec_dot_q5_K_q8_K. */
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
}
