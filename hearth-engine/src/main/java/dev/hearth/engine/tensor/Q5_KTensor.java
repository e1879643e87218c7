package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q5_K: as {@link Q4_KTensor} with a fifth bit per value; layout
 * {@code d, dmin, scales[12], qh[32], qs[128]}; bit {@code sub} of {@code qh[l]} adds 16 to value
 * {@code l} of sub-block {@code sub}.
 */
public final class Q5_KTensor extends KQuantTensor {

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

    /** ggml_vec_dot_q5_K_q8_K, the reference (with vectors, {@link KQuantTensor#dot} takes the panel route). */
    @Override
    float scalarDot(long block, Activation.Q8_K a) {
        byte[] q8 = a.quants();
        float sum = 0f;
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

    /**
     * One row straight from the packed bytes, with exactly {@link Panel#dot}'s arithmetic on the
     * values {@link #dequantizeRow} gives: each chain (even and odd vector steps) takes its steps in
     * increasing order, sub-block by sub-block.
     */
    @Override
    float panelDot(long rowStart, float[] x, int cols, float[] sm) {
        int half = cols / 2;
        FloatVector even = FloatVector.zero(Vectors.FLOATS), odd = even;
        if (Vectors.LANES == 16) {
            // one flat loop over the row's pairs of sub-blocks, offsets ints from the row start (a
            // loop per super-block with long offsets ran slower, as in Q4_K): a sub-block is one pair
            // of vector steps, a pair's 32 bytes of low bits are loaded and widened once for both
            // (low nibbles the first, high ones the second); the super-block's 32 bytes of fifth bits
            // once for its four pairs (quants() reloads them per step); this body also keeps the
            // method too big for C2 to inline into its callers (KQuantTensor)
            MemorySegment row = data;
            IntVector h0 = IntVector.zero(Vectors.INTS), h1 = h0;
            for (int pair = 0, qs = 48, qh = 16, s = 0; pair < cols / 64; pair++) {
                int xi = pair * 32;
                // the fifth bits, widened and moved up by 4 once per super-block, then down by 2 per
                // pair: sub-block j's bit is then at 4 for the pair's first and at 5 for its second
                // (widened per pair and shifted by a count that depends on the pair, 8% slower)
                if ((pair & 3) == 0) {
                    h0 = Vectors.unsigned(row, rowStart + qh).lanewise(VectorOperators.LSHL, 4);
                    h1 = Vectors.unsigned(row, rowStart + qh + 16).lanewise(VectorOperators.LSHL, 4);
                } else {
                    h0 = h0.lanewise(VectorOperators.LSHR, 2);
                    h1 = h1.lanewise(VectorOperators.LSHR, 2);
                }
                IntVector p0 = Vectors.unsigned(row, rowStart + qs), p1 = Vectors.unsigned(row, rowStart + qs + 16);
                FloatVector scale = FloatVector.broadcast(Vectors.FLOATS, sm[s]);
                FloatVector min = FloatVector.broadcast(Vectors.FLOATS, sm[s + Q4_KTensor.MINS]);
                even = ((FloatVector) p0.and(0x0f)
                        .or(h0.and(0x10))
                        .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                        .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, xi), even);
                odd = ((FloatVector) p1.and(0x0f)
                        .or(h1.and(0x10))
                        .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                        .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi), odd);
                scale = FloatVector.broadcast(Vectors.FLOATS, sm[s + 1]);
                min = FloatVector.broadcast(Vectors.FLOATS, sm[s + Q4_KTensor.MINS + 1]);
                even = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4)
                        .or(h0.lanewise(VectorOperators.LSHR, 1).and(0x10))
                        .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                        .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 16), even);
                odd = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4)
                        .or(h1.lanewise(VectorOperators.LSHR, 1).and(0x10))
                        .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                        .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi + 16), odd);
                if ((pair & 3) == 3) { // on to the next super-block, past its 48-byte head
                    qs += 32 + 48;
                    qh += BLOCK_BYTES;
                    s += SCALES - 6;
                } else {
                    qs += 32;
                    s += 2;
                }
            }
            return Vectors.tree(even.add(odd));
        }
        // 8 lanes: the same flat loop, each 16-wide step of the 16-lane body two 8-wide ones (vector
        // step j of a sub-block is even for j = 0, 2 and odd for 1, 3), sub-block by sub-block as
        // Panel's chains take them. As a loop over sub-blocks (shift counts depending on the
        // sub-block, every step widening its own bytes) the kernel ran 35% slower at 8 lanes
        MemorySegment row = data;
        IntVector h0 = IntVector.zero(Vectors.INTS), h1 = h0, h2 = h0, h3 = h0;
        for (int pair = 0, qs = 48, qh = 16, s = 0; pair < cols / 64; pair++) {
            int xi = pair * 32;
            if ((pair & 3) == 0) {
                h0 = Vectors.unsigned(row, rowStart + qh).lanewise(VectorOperators.LSHL, 4);
                h1 = Vectors.unsigned(row, rowStart + qh + 8).lanewise(VectorOperators.LSHL, 4);
                h2 = Vectors.unsigned(row, rowStart + qh + 16).lanewise(VectorOperators.LSHL, 4);
                h3 = Vectors.unsigned(row, rowStart + qh + 24).lanewise(VectorOperators.LSHL, 4);
            } else {
                h0 = h0.lanewise(VectorOperators.LSHR, 2);
                h1 = h1.lanewise(VectorOperators.LSHR, 2);
                h2 = h2.lanewise(VectorOperators.LSHR, 2);
                h3 = h3.lanewise(VectorOperators.LSHR, 2);
            }
            IntVector p0 = Vectors.unsigned(row, rowStart + qs), p1 = Vectors.unsigned(row, rowStart + qs + 8);
            IntVector p2 = Vectors.unsigned(row, rowStart + qs + 16), p3 = Vectors.unsigned(row, rowStart + qs + 24);
            FloatVector scale = FloatVector.broadcast(Vectors.FLOATS, sm[s]);
            FloatVector min = FloatVector.broadcast(Vectors.FLOATS, sm[s + Q4_KTensor.MINS]);
            even = ((FloatVector) p0.and(0x0f).or(h0.and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, xi), even);
            odd = ((FloatVector) p1.and(0x0f).or(h1.and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi), odd);
            even = ((FloatVector) p2.and(0x0f).or(h2.and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 8), even);
            odd = ((FloatVector) p3.and(0x0f).or(h3.and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi + 8), odd);
            scale = FloatVector.broadcast(Vectors.FLOATS, sm[s + 1]);
            min = FloatVector.broadcast(Vectors.FLOATS, sm[s + Q4_KTensor.MINS + 1]);
            even = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4).or(h0.lanewise(VectorOperators.LSHR, 1).and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 16), even);
            odd = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4).or(h1.lanewise(VectorOperators.LSHR, 1).and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi + 16), odd);
            even = ((FloatVector) p2.lanewise(VectorOperators.LSHR, 4).or(h2.lanewise(VectorOperators.LSHR, 1).and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 24), even);
            odd = ((FloatVector) p3.lanewise(VectorOperators.LSHR, 4).or(h3.lanewise(VectorOperators.LSHR, 1).and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi + 24), odd);
            if ((pair & 3) == 3) {
                qs += 32 + 48;
                qh += BLOCK_BYTES;
                s += SCALES - 6;
            } else {
                qs += 32;
                s += 2;
            }
        }
        return Vectors.tree(even.add(odd));
    }

    /** {@link #panelDot}'s 16-lane body for two inputs: each pair's four value vectors decoded once. */
    @Override
    void panelDot2(long rowStart, float[] x0, float[] x1, int cols, float[] sm, float[] out, int at, int stride) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0;
        MemorySegment row = data;
        IntVector h0 = IntVector.zero(Vectors.INTS), h1 = h0;
        for (int pair = 0, qs = 48, qh = 16, s = 0; pair < cols / 64; pair++) {
            if ((pair & 3) == 0) {
                h0 = Vectors.unsigned(row, rowStart + qh).lanewise(VectorOperators.LSHL, 4);
                h1 = Vectors.unsigned(row, rowStart + qh + 16).lanewise(VectorOperators.LSHL, 4);
            } else {
                h0 = h0.lanewise(VectorOperators.LSHR, 2);
                h1 = h1.lanewise(VectorOperators.LSHR, 2);
            }
            IntVector p0 = Vectors.unsigned(row, rowStart + qs), p1 = Vectors.unsigned(row, rowStart + qs + 16);
            FloatVector scale = FloatVector.broadcast(Vectors.FLOATS, sm[s]);
            FloatVector min = FloatVector.broadcast(Vectors.FLOATS, sm[s + Q4_KTensor.MINS]);
            FloatVector w0 = ((FloatVector) p0.and(0x0f).or(h0.and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min);
            FloatVector w1 = ((FloatVector) p1.and(0x0f).or(h1.and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min);
            scale = FloatVector.broadcast(Vectors.FLOATS, sm[s + 1]);
            min = FloatVector.broadcast(Vectors.FLOATS, sm[s + Q4_KTensor.MINS + 1]);
            FloatVector w2 = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4)
                    .or(h0.lanewise(VectorOperators.LSHR, 1).and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min);
            FloatVector w3 = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4)
                    .or(h1.lanewise(VectorOperators.LSHR, 1).and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min);
            int a = pair * 32, b = half + a;
            e0 = w0.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a), e0);
            o0 = w1.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b), o0);
            e0 = w2.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a + 16), e0);
            o0 = w3.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b + 16), o0);
            e1 = w0.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a), e1);
            o1 = w1.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b), o1);
            e1 = w2.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a + 16), e1);
            o1 = w3.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b + 16), o1);
            if ((pair & 3) == 3) {
                qs += 32 + 48;
                qh += BLOCK_BYTES;
                s += SCALES - 6;
            } else {
                qs += 32;
                s += 2;
            }
        }
        out[at] = Vectors.tree(e0.add(o0));
        out[at + stride] = Vectors.tree(e1.add(o1));
    }

    /** {@link #panelDot2} for four inputs, of which the first {@code n} are written. */
    @Override
    void panelDot4(long rowStart, float[] x0, float[] x1, float[] x2, float[] x3, int cols, float[] sm, float[] out,
            int at, int stride, int n) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0, e2 = e0, o2 = e0, e3 = e0, o3 = e0;
        MemorySegment row = data;
        IntVector h0 = IntVector.zero(Vectors.INTS), h1 = h0;
        for (int pair = 0, qs = 48, qh = 16, s = 0; pair < cols / 64; pair++) {
            if ((pair & 3) == 0) {
                h0 = Vectors.unsigned(row, rowStart + qh).lanewise(VectorOperators.LSHL, 4);
                h1 = Vectors.unsigned(row, rowStart + qh + 16).lanewise(VectorOperators.LSHL, 4);
            } else {
                h0 = h0.lanewise(VectorOperators.LSHR, 2);
                h1 = h1.lanewise(VectorOperators.LSHR, 2);
            }
            IntVector p0 = Vectors.unsigned(row, rowStart + qs), p1 = Vectors.unsigned(row, rowStart + qs + 16);
            FloatVector scale = FloatVector.broadcast(Vectors.FLOATS, sm[s]);
            FloatVector min = FloatVector.broadcast(Vectors.FLOATS, sm[s + Q4_KTensor.MINS]);
            FloatVector w0 = ((FloatVector) p0.and(0x0f).or(h0.and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min);
            FloatVector w1 = ((FloatVector) p1.and(0x0f).or(h1.and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min);
            scale = FloatVector.broadcast(Vectors.FLOATS, sm[s + 1]);
            min = FloatVector.broadcast(Vectors.FLOATS, sm[s + Q4_KTensor.MINS + 1]);
            FloatVector w2 = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4)
                    .or(h0.lanewise(VectorOperators.LSHR, 1).and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min);
            FloatVector w3 = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4)
                    .or(h1.lanewise(VectorOperators.LSHR, 1).and(0x10))
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min);
            int a = pair * 32, b = half + a;
            e0 = w0.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a), e0);
            o0 = w1.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b), o0);
            e0 = w2.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a + 16), e0);
            o0 = w3.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b + 16), o0);
            e1 = w0.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a), e1);
            o1 = w1.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b), o1);
            e1 = w2.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a + 16), e1);
            o1 = w3.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b + 16), o1);
            e2 = w0.fma(FloatVector.fromArray(Vectors.FLOATS, x2, a), e2);
            o2 = w1.fma(FloatVector.fromArray(Vectors.FLOATS, x2, b), o2);
            e2 = w2.fma(FloatVector.fromArray(Vectors.FLOATS, x2, a + 16), e2);
            o2 = w3.fma(FloatVector.fromArray(Vectors.FLOATS, x2, b + 16), o2);
            e3 = w0.fma(FloatVector.fromArray(Vectors.FLOATS, x3, a), e3);
            o3 = w1.fma(FloatVector.fromArray(Vectors.FLOATS, x3, b), o3);
            e3 = w2.fma(FloatVector.fromArray(Vectors.FLOATS, x3, a + 16), e3);
            o3 = w3.fma(FloatVector.fromArray(Vectors.FLOATS, x3, b + 16), o3);
            if ((pair & 3) == 3) {
                qs += 32 + 48;
                qh += BLOCK_BYTES;
                s += SCALES - 6;
            } else {
                qs += 32;
                s += 2;
            }
        }
        out[at] = Vectors.tree(e0.add(o0));
        out[at + stride] = Vectors.tree(e1.add(o1));
        out[at + 2 * stride] = Vectors.tree(e2.add(o2));
        if (n > 3) {
            out[at + 3 * stride] = Vectors.tree(e3.add(o3));
        }
    }

    @Override
    void scales(long rowStart, int cols, float[] sm) {
        Q4_KTensor.rowScales(data, rowStart, BLOCK_BYTES, cols, sm);
    }

    /**
     * The row whose first super-block is at byte {@code block}, dequantized into {@code out[at...]} in
     * {@link Panel}'s split order: each value {@code fma(q, d·sc, −dmin·m)}.
     */
    @Override
    void dequantizeRow(long block, int cols, float[] out, int at, float[] sm) {
        int half = cols / 2;
        for (int k = 0, s = 0; k < cols; k += KQuants.SUPER_BLOCK, block += BLOCK_BYTES, s += SCALES) {
            for (int sub = 0; sub < 8; sub++) {
                FloatVector scale = FloatVector.broadcast(Vectors.FLOATS, sm[s + sub]);
                FloatVector min = FloatVector.broadcast(Vectors.FLOATS, sm[s + Q4_KTensor.MINS + sub]);
                int xi = at + (k + sub * 32) / 2; // whole pairs of vector steps, as in panelDot
                for (int l = 0; l < 32; l += 2 * Vectors.LANES) {
                    quants(block, sub, l).fma(scale, min).intoArray(out, xi + l / 2);
                    quants(block, sub, l + Vectors.LANES).fma(scale, min).intoArray(out, half + xi + l / 2);
                }
            }
        }
    }

    /** Values {@code l .. l + LANES - 1} of sub-block {@code sub}: four bits from {@code qs}, the fifth from {@code qh}, as floats. */
    private FloatVector quants(long block, int sub, int l) {
        IntVector qs = ints(block + 48 + (sub / 2) * 32L + l);
        IntVector qh = ints(block + 16 + l);
        IntVector q = qs.lanewise(VectorOperators.LSHR, (sub & 1) * 4).and(0x0f)
                .or(qh.lanewise(VectorOperators.LSHR, sub).and(1).lanewise(VectorOperators.LSHL, 4));
        return (FloatVector) q.convertShape(VectorOperators.I2F, Vectors.FLOATS, 0);
    }

    private IntVector ints(long offset) {
        return Vectors.unsigned(data, offset);
    }
}
