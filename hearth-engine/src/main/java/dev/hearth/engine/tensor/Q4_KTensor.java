package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_K: super-blocks of 256 = 8 sub-blocks of 32, each with a 6-bit scale and min; layout
 * {@code d (f16), dmin (f16), scales[12], qs[128]}; value = {@code d·sc·q − dmin·m} with q a nibble
 * (low nibbles of 32 bytes for one sub-block, high nibbles of the same bytes for the next).
 */
public final class Q4_KTensor extends KQuantTensor {

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

    /** ggml_vec_dot_q4_K_q8_K, the reference (with vectors, {@link KQuantTensor#dot} takes the panel route). */
    @Override
    float scalarDot(long block, Activation.Q8_K a) {
        byte[] q8 = a.quants();
        float sum = 0f;
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
     * One row straight from the packed bytes, with exactly {@link Panel#dot}'s arithmetic on the
     * values {@link #dequantizeRow} gives: each chain (even and odd vector steps) takes its steps in
     * increasing order, sub-block by sub-block (low nibbles of a pair's bytes, then high ones).
     */
    @Override
    float panelDot(long rowStart, float[] x, int cols) {
        int half = cols / 2;
        int l2 = 2 * Vectors.LANES;
        float[] sm = SUB_SCALES.get();
        FloatVector even = FloatVector.zero(Vectors.FLOATS), odd = even;
        int off = 0; // int-counted from the row start: C2 optimises such loops better
        for (int k = 0; k < cols; k += KQuants.SUPER_BLOCK, off += BLOCK_BYTES) {
            long block = rowStart + off;
            subScales(data, block, sm);
            for (int pair = 0; pair < 4; pair++) {
                long qs = block + 16 + pair * 32L;
                int base = k + pair * 64;
                FloatVector scale = FloatVector.broadcast(Vectors.FLOATS, sm[4 * pair]);
                FloatVector min = FloatVector.broadcast(Vectors.FLOATS, sm[4 * pair + 1]);
                for (int l = 0; l < 32; l += l2) {
                    even = low(qs + l).fma(scale, min)
                            .fma(FloatVector.fromArray(Vectors.FLOATS, x, Panel.split(base + l, half)), even);
                    odd = low(qs + l + Vectors.LANES).fma(scale, min)
                            .fma(FloatVector.fromArray(Vectors.FLOATS, x, Panel.split(base + l + Vectors.LANES, half)), odd);
                }
                scale = FloatVector.broadcast(Vectors.FLOATS, sm[4 * pair + 2]);
                min = FloatVector.broadcast(Vectors.FLOATS, sm[4 * pair + 3]);
                for (int l = 0; l < 32; l += l2) {
                    even = high(qs + l).fma(scale, min)
                            .fma(FloatVector.fromArray(Vectors.FLOATS, x, Panel.split(base + 32 + l, half)), even);
                    odd = high(qs + l + Vectors.LANES).fma(scale, min)
                            .fma(FloatVector.fromArray(Vectors.FLOATS, x, Panel.split(base + 32 + l + Vectors.LANES, half)), odd);
                }
            }
        }
        return Vectors.tree(even.add(odd));
    }

    /**
     * {@code d·sc} and {@code −(dmin·m)} of the eight sub-blocks of the Q4_K/Q5_K super-block at
     * {@code block} (its {@code d}, {@code dmin} and 12 packed scale bytes lead it), interleaved, into {@code sm}.
     */
    static void subScales(MemorySegment data, long block, float[] sm) {
        float d = f16(data.get(SHORT_LE, block));
        float dmin = f16(data.get(SHORT_LE, block + 2));
        // the 12 packed bytes in two reads (ggml's get_scale_min_k4 per sub-block below)
        long lo = data.get(LONG_LE, block + 4);
        long hi = data.get(INT_LE, block + 12) & 0xffffffffL;
        for (int j = 0; j < 4; j++) {
            sm[2 * j] = d * (int) ((lo >>> (8 * j)) & 63);
            sm[2 * j + 1] = -(dmin * (int) ((lo >>> (8 * (j + 4))) & 63));
        }
        for (int j = 4; j < 8; j++) {
            int packed = (int) ((hi >>> (8 * (j - 4))) & 0xff); // byte j + 4
            int scaleHigh = (int) ((lo >>> (8 * (j - 4))) & 0xff) >> 6; // byte j - 4
            int minHigh = (int) ((lo >>> (8 * j)) & 0xff) >> 6; // byte j
            sm[2 * j] = d * ((packed & 0x0f) | (scaleHigh << 4));
            sm[2 * j + 1] = -(dmin * ((packed >> 4) | (minHigh << 4)));
        }
    }

    /** The low nibbles of {@code LANES} bytes at {@code offset}, as floats. */
    private FloatVector low(long offset) {
        return (FloatVector) packed(offset).and(0x0f).convert(VectorOperators.I2F, 0);
    }

    /** The high nibbles of {@code LANES} bytes at {@code offset}, as floats. */
    private FloatVector high(long offset) {
        return (FloatVector) packed(offset).lanewise(VectorOperators.LSHR, 4).and(0x0f).convert(VectorOperators.I2F, 0);
    }

    private IntVector packed(long offset) {
        return (IntVector) Vectors.bytes(data, offset).convertShape(VectorOperators.B2I, Vectors.INTS, 0);
    }

    /**
     * The row whose first super-block is at byte {@code block}, dequantized into {@code out[at...]} in
     * {@link Panel}'s split order: each value {@code fma(q, d·sc, −dmin·m)}, one rounding of
     * llama.cpp's {@code d·sc·q − dmin·m}.
     */
    @Override
    void dequantizeRow(long block, int cols, float[] out, int at) {
        int half = cols / 2;
        float[] sm = SUB_SCALES.get();
        for (int k = 0; k < cols; k += KQuants.SUPER_BLOCK, block += BLOCK_BYTES) {
            subScales(data, block, sm);
            for (int sub = 0; sub < 8; sub++) {
                FloatVector scale = FloatVector.broadcast(Vectors.FLOATS, sm[2 * sub]);
                FloatVector min = FloatVector.broadcast(Vectors.FLOATS, sm[2 * sub + 1]);
                long qs = block + 16 + (sub / 2) * 32L;
                int shift = (sub & 1) * 4;
                for (int l = 0; l < 32; l += Vectors.LANES) {
                    FloatVector q = shift == 0 ? low(qs + l) : high(qs + l);
                    q.fma(scale, min).intoArray(out, at + Panel.split(k + sub * 32 + l, half));
                }
            }
        }
    }
}
