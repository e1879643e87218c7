package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q6_K: super-blocks of 256 = 16 sub-blocks of 16 with signed 8-bit scales; layout
 * {@code ql[128], qh[64], scales[16], d (f16)}; value = {@code d·sc·(q − 32)} with q six bits,
 * four from {@code ql} and two from {@code qh}, interleaved in halves of 128 as ggml does.
 */
public final class Q6_KTensor extends KQuantTensor {

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

    /** ggml_vec_dot_q6_K_q8_K, the reference (with vectors, {@link KQuantTensor#dot} takes the panel route). */
    @Override
    float scalarDot(long block, Activation.Q8_K a) {
        byte[] q8 = a.quants();
        float sum = 0f;
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
     * One row straight from the packed bytes, with exactly {@link Panel#dot}'s arithmetic on the
     * values {@link #dequantizeRow} gives: each chain (even and odd vector steps) takes its steps in
     * increasing order (ggml's layout: halves of 128, quadrants of 32, in element order).
     */
    @Override
    float panelDot(long rowStart, float[] x, int cols, float[] ds) {
        if (Vectors.LANES == 16) {
            int half = cols / 2;
            FloatVector even = FloatVector.zero(Vectors.FLOATS), odd = even;
            // one flat loop over the row's halves of super-blocks (128 values), offsets ints from the
            // row start (a loop per super-block with long offsets ran slower, as in Q4_K): a quadrant
            // is one pair of vector steps; a half's 32 bytes of high bits and 64 of low bits are loaded
            // and widened once for its four quadrants (value() reloads them per step); this body also
            // keeps the method too big for C2 to inline into its callers (KQuantTensor)
            MemorySegment row = data;
            for (int h = 0, ql = 0, qh = 128, d = 0; h < cols / 128; h++) {
                if ((h & 1) == 0) { // a super-block starts at ql: its sixteen d·sc, as scales() computes them
                    ((FloatVector) ints(row, rowStart + ql + 192).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                            .mul(f16(row.get(SHORT_LE, rowStart + ql + 208))).intoArray(ds, d);
                }
                // the high bits moved up by 4 once, so that quadrant g's pair is a shift and a mask
                IntVector h0 = Vectors.unsigned(row, rowStart + qh).lanewise(VectorOperators.LSHL, 4);
                IntVector h1 = Vectors.unsigned(row, rowStart + qh + 16).lanewise(VectorOperators.LSHL, 4);
                // the half's 64 low-bit bytes widened once: quadrants g and g + 2 take the low and
                // high nibbles of the same 32 bytes. The four quadrants are written out: as a loop over
                // g (shift counts, sources and scale indices depending on g) the kernel ran 25% slower,
                // widening per quadrant another 10%
                IntVector la0 = Vectors.unsigned(row, rowStart + ql), la1 = Vectors.unsigned(row, rowStart + ql + 16);
                IntVector lb0 = Vectors.unsigned(row, rowStart + ql + 32), lb1 = Vectors.unsigned(row, rowStart + ql + 48);
                int xi = h * 64;
                even = ((FloatVector) la0.and(0x0f).or(h0.and(0x30))
                        .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d])
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, xi), even);
                odd = ((FloatVector) la1.and(0x0f).or(h1.and(0x30))
                        .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 1])
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi), odd);
                even = ((FloatVector) lb0.and(0x0f).or(h0.lanewise(VectorOperators.LSHR, 2).and(0x30))
                        .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 2])
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 16), even);
                odd = ((FloatVector) lb1.and(0x0f).or(h1.lanewise(VectorOperators.LSHR, 2).and(0x30))
                        .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 3])
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi + 16), odd);
                even = ((FloatVector) la0.lanewise(VectorOperators.LSHR, 4).or(h0.lanewise(VectorOperators.LSHR, 4).and(0x30))
                        .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 4])
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 32), even);
                odd = ((FloatVector) la1.lanewise(VectorOperators.LSHR, 4).or(h1.lanewise(VectorOperators.LSHR, 4).and(0x30))
                        .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 5])
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi + 32), odd);
                even = ((FloatVector) lb0.lanewise(VectorOperators.LSHR, 4).or(h0.lanewise(VectorOperators.LSHR, 6).and(0x30))
                        .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 6])
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 48), even);
                odd = ((FloatVector) lb1.lanewise(VectorOperators.LSHR, 4).or(h1.lanewise(VectorOperators.LSHR, 6).and(0x30))
                        .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 7])
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi + 48), odd);
                if ((h & 1) == 0) { // the second half of this super-block
                    ql += 64;
                    qh += 32;
                    d += 8;
                } else { // the next super-block's first half
                    ql += BLOCK_BYTES - 64;
                    qh += BLOCK_BYTES - 32;
                    d += SCALES - 8;
                }
            }
            return Vectors.tree(even.add(odd));
        }
        // 8 lanes: the even chain and the odd chain in a pass each (chain8), each pass the 16-lane
        // body's shape; both chains in one written-out body passed C2's inlining budget and boxed
        // its vectors, and as loops over quadrants and steps the kernel ran at half the speed
        float[] chains = CHAINS.get();
        chain8(rowStart, x, cols, ds, 0, chains);
        chain8(rowStart, x, cols, ds, 1, chains);
        return Vectors.tree(FloatVector.fromArray(Vectors.FLOATS, chains, 0)
                .add(FloatVector.fromArray(Vectors.FLOATS, chains, Vectors.LANES)));
    }

    /**
     * {@link #panelDot}'s 16-lane body for two inputs, with the row's scales from {@link #scales}
     * (the same values the kernel computes in place): each quadrant's values decoded once and
     * multiplied into both inputs' chains.
     */
    @Override
    void panelDot2(long rowStart, float[] x0, float[] x1, int cols, float[] ds, float[] out, int at, int stride) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0;
        MemorySegment row = data;
        for (int h = 0, ql = 0, qh = 128, d = 0; h < cols / 128; h++) {
            IntVector h0 = Vectors.unsigned(row, rowStart + qh).lanewise(VectorOperators.LSHL, 4);
            IntVector h1 = Vectors.unsigned(row, rowStart + qh + 16).lanewise(VectorOperators.LSHL, 4);
            IntVector la0 = Vectors.unsigned(row, rowStart + ql), la1 = Vectors.unsigned(row, rowStart + ql + 16);
            IntVector lb0 = Vectors.unsigned(row, rowStart + ql + 32), lb1 = Vectors.unsigned(row, rowStart + ql + 48);
            int a = h * 64, b = half + a;
            FloatVector w = ((FloatVector) la0.and(0x0f).or(h0.and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d]);
            e0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a), e0);
            e1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a), e1);
            w = ((FloatVector) la1.and(0x0f).or(h1.and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 1]);
            o0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b), o0);
            o1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b), o1);
            w = ((FloatVector) lb0.and(0x0f).or(h0.lanewise(VectorOperators.LSHR, 2).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 2]);
            e0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a + 16), e0);
            e1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a + 16), e1);
            w = ((FloatVector) lb1.and(0x0f).or(h1.lanewise(VectorOperators.LSHR, 2).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 3]);
            o0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b + 16), o0);
            o1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b + 16), o1);
            w = ((FloatVector) la0.lanewise(VectorOperators.LSHR, 4).or(h0.lanewise(VectorOperators.LSHR, 4).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 4]);
            e0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a + 32), e0);
            e1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a + 32), e1);
            w = ((FloatVector) la1.lanewise(VectorOperators.LSHR, 4).or(h1.lanewise(VectorOperators.LSHR, 4).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 5]);
            o0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b + 32), o0);
            o1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b + 32), o1);
            w = ((FloatVector) lb0.lanewise(VectorOperators.LSHR, 4).or(h0.lanewise(VectorOperators.LSHR, 6).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 6]);
            e0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a + 48), e0);
            e1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a + 48), e1);
            w = ((FloatVector) lb1.lanewise(VectorOperators.LSHR, 4).or(h1.lanewise(VectorOperators.LSHR, 6).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 7]);
            o0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b + 48), o0);
            o1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b + 48), o1);
            if ((h & 1) == 0) {
                ql += 64;
                qh += 32;
                d += 8;
            } else {
                ql += BLOCK_BYTES - 64;
                qh += BLOCK_BYTES - 32;
                d += SCALES - 8;
            }
        }
        out[at] = Vectors.tree(e0.add(o0));
        out[at + stride] = Vectors.tree(e1.add(o1));
    }

    /** {@link #panelDot2} for four inputs, of which the first {@code n} are written. */
    @Override
    void panelDot4(long rowStart, float[] x0, float[] x1, float[] x2, float[] x3, int cols, float[] ds, float[] out,
            int at, int stride, int n) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0, e2 = e0, o2 = e0, e3 = e0, o3 = e0;
        MemorySegment row = data;
        for (int h = 0, ql = 0, qh = 128, d = 0; h < cols / 128; h++) {
            IntVector h0 = Vectors.unsigned(row, rowStart + qh).lanewise(VectorOperators.LSHL, 4);
            IntVector h1 = Vectors.unsigned(row, rowStart + qh + 16).lanewise(VectorOperators.LSHL, 4);
            IntVector la0 = Vectors.unsigned(row, rowStart + ql), la1 = Vectors.unsigned(row, rowStart + ql + 16);
            IntVector lb0 = Vectors.unsigned(row, rowStart + ql + 32), lb1 = Vectors.unsigned(row, rowStart + ql + 48);
            int a = h * 64, b = half + a;
            FloatVector w = ((FloatVector) la0.and(0x0f).or(h0.and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d]);
            e0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a), e0);
            e1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a), e1);
            e2 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x2, a), e2);
            e3 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x3, a), e3);
            w = ((FloatVector) la1.and(0x0f).or(h1.and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 1]);
            o0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b), o0);
            o1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b), o1);
            o2 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x2, b), o2);
            o3 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x3, b), o3);
            w = ((FloatVector) lb0.and(0x0f).or(h0.lanewise(VectorOperators.LSHR, 2).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 2]);
            e0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a + 16), e0);
            e1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a + 16), e1);
            e2 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x2, a + 16), e2);
            e3 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x3, a + 16), e3);
            w = ((FloatVector) lb1.and(0x0f).or(h1.lanewise(VectorOperators.LSHR, 2).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 3]);
            o0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b + 16), o0);
            o1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b + 16), o1);
            o2 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x2, b + 16), o2);
            o3 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x3, b + 16), o3);
            w = ((FloatVector) la0.lanewise(VectorOperators.LSHR, 4).or(h0.lanewise(VectorOperators.LSHR, 4).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 4]);
            e0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a + 32), e0);
            e1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a + 32), e1);
            e2 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x2, a + 32), e2);
            e3 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x3, a + 32), e3);
            w = ((FloatVector) la1.lanewise(VectorOperators.LSHR, 4).or(h1.lanewise(VectorOperators.LSHR, 4).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 5]);
            o0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b + 32), o0);
            o1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b + 32), o1);
            o2 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x2, b + 32), o2);
            o3 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x3, b + 32), o3);
            w = ((FloatVector) lb0.lanewise(VectorOperators.LSHR, 4).or(h0.lanewise(VectorOperators.LSHR, 6).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 6]);
            e0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a + 48), e0);
            e1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a + 48), e1);
            e2 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x2, a + 48), e2);
            e3 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x3, a + 48), e3);
            w = ((FloatVector) lb1.lanewise(VectorOperators.LSHR, 4).or(h1.lanewise(VectorOperators.LSHR, 6).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 7]);
            o0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b + 48), o0);
            o1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b + 48), o1);
            o2 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x2, b + 48), o2);
            o3 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x3, b + 48), o3);
            if ((h & 1) == 0) {
                ql += 64;
                qh += 32;
                d += 8;
            } else {
                ql += BLOCK_BYTES - 64;
                qh += BLOCK_BYTES - 32;
                d += SCALES - 8;
            }
        }
        out[at] = Vectors.tree(e0.add(o0));
        out[at + stride] = Vectors.tree(e1.add(o1));
        out[at + 2 * stride] = Vectors.tree(e2.add(o2));
        if (n > 3) {
            out[at + 3 * stride] = Vectors.tree(e3.add(o3));
        }
    }

    /** Each thread's two 8-lane chains, even then odd ({@link #chain8}). */
    private static final ThreadLocal<float[]> CHAINS = ThreadLocal.withInitial(() -> new float[2 * Vectors.LANES]);

    /**
     * One of {@link #panelDot}'s two chains at 8 lanes, into {@code chains[parity * 8...]}: the even
     * chain ({@code parity} 0) takes the steps j = 0, 2 of every quadrant, the odd one j = 1, 3 (step
     * j covers a quadrant's elements 8j..8j+7; steps 0-1 take its first sub-block's scale, 2-3 the
     * second's), each in natural order as Panel's chains take them. The even pass fills the
     * super-blocks' scales, as scales() computes them, for the odd pass to read.
     */
    private void chain8(long rowStart, float[] x, int cols, float[] ds, int parity, float[] chains) {
        FloatVector chain = FloatVector.zero(Vectors.FLOATS);
        MemorySegment row = data;
        long start = rowStart + 8 * parity;
        int xs = parity * (cols / 2);
        for (int h = 0, ql = 0, qh = 128, d = 0; h < cols / 128; h++) {
            if (parity == 0 && (h & 1) == 0) { // a super-block starts at ql: its sixteen d·sc
                float scale = f16(row.get(SHORT_LE, rowStart + ql + 208));
                ((FloatVector) ints(row, rowStart + ql + 192).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                        .mul(scale).intoArray(ds, d);
                ((FloatVector) ints(row, rowStart + ql + 200).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                        .mul(scale).intoArray(ds, d + 8);
            }
            // the chain's steps m = 0, 1 (j = parity + 2m) of the half's low and high bits
            IntVector h0 = Vectors.unsigned(row, start + qh).lanewise(VectorOperators.LSHL, 4);
            IntVector h1 = Vectors.unsigned(row, start + qh + 16).lanewise(VectorOperators.LSHL, 4);
            IntVector a0 = Vectors.unsigned(row, start + ql), a1 = Vectors.unsigned(row, start + ql + 16);
            IntVector b0 = Vectors.unsigned(row, start + ql + 32), b1 = Vectors.unsigned(row, start + ql + 48);
            int xi = xs + h * 64;
            chain = ((FloatVector) a0.and(0x0f).or(h0.and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d])
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, xi), chain);
            chain = ((FloatVector) a1.and(0x0f).or(h1.and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 1])
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 8), chain);
            chain = ((FloatVector) b0.and(0x0f).or(h0.lanewise(VectorOperators.LSHR, 2).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 2])
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 16), chain);
            chain = ((FloatVector) b1.and(0x0f).or(h1.lanewise(VectorOperators.LSHR, 2).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 3])
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 24), chain);
            chain = ((FloatVector) a0.lanewise(VectorOperators.LSHR, 4).or(h0.lanewise(VectorOperators.LSHR, 4).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 4])
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 32), chain);
            chain = ((FloatVector) a1.lanewise(VectorOperators.LSHR, 4).or(h1.lanewise(VectorOperators.LSHR, 4).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 5])
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 40), chain);
            chain = ((FloatVector) b0.lanewise(VectorOperators.LSHR, 4).or(h0.lanewise(VectorOperators.LSHR, 6).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 6])
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 48), chain);
            chain = ((FloatVector) b1.lanewise(VectorOperators.LSHR, 4).or(h1.lanewise(VectorOperators.LSHR, 6).and(0x30))
                    .sub(32).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(ds[d + 7])
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 56), chain);
            if ((h & 1) == 0) {
                ql += 64;
                qh += 32;
                d += 8;
            } else {
                ql += BLOCK_BYTES - 64;
                qh += BLOCK_BYTES - 32;
                d += SCALES - 8;
            }
        }
        chain.intoArray(chains, parity * Vectors.LANES);
    }

    /** The row whose first super-block is at byte {@code block}, dequantized into {@code out[at...]} in {@link Panel}'s split order. */
    @Override
    void dequantizeRow(long block, int cols, float[] out, int at, float[] ds) {
        int half = cols / 2;
        for (int k = 0, s = 0; k < cols; k += KQuants.SUPER_BLOCK, block += BLOCK_BYTES, s += SCALES) {
            for (int h = 0; h < 2; h++) {
                for (int g = 0; g < 4; g++) {
                    int xi = at + (k + h * 128 + g * 32) / 2; // whole pairs of vector steps, as in panelDot
                    for (int l = 0; l < 32; l += 2 * Vectors.LANES) {
                        int m = l + Vectors.LANES;
                        value(block, h, g, l, ds[s + h * 8 + l / 16 + 2 * g]).intoArray(out, xi + l / 2);
                        value(block, h, g, m, ds[s + h * 8 + m / 16 + 2 * g]).intoArray(out, half + xi + l / 2);
                    }
                }
            }
        }
    }

    /**
     * The one-row kernels compute a super-block's scales as they reach it: a pass of their own ahead
     * of them was 18% of a Q6_K decode profile (16 lanes), mostly waiting for the line that holds them.
     */
    @Override
    boolean kernelScales() {
        return true;
    }

    /** {@code d·sc} of each super-block's sixteen sub-blocks (signed bytes at 192), {@link #SCALES} floats apart. */
    @Override
    void scales(long rowStart, int cols, float[] ds) {
        long block = rowStart;
        for (int s = 0; s < cols / KQuants.SUPER_BLOCK * SCALES; s += SCALES, block += BLOCK_BYTES) {
            float d = f16(data.get(SHORT_LE, block + 208));
            for (int i = 0; i < 16; i += Vectors.LANES) {
                ((FloatVector) ints(block + 192 + i).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d).intoArray(ds, s + i);
            }
        }
    }

    /**
     * Elements {@code l .. l + LANES - 1} of quadrant {@code g} of half {@code h} of a super-block:
     * {@code (q - 32) · d·sc}, q taking four bits from {@code ql} and two from {@code qh}.
     */
    private FloatVector value(long block, int h, int g, int l, float scale) {
        IntVector ql = ints(block + h * 64L + (g & 1) * 32 + l);
        IntVector qh = ints(block + 128 + h * 32L + l);
        IntVector q = ql.lanewise(VectorOperators.LSHR, (g >> 1) * 4).and(0x0f)
                .or(qh.lanewise(VectorOperators.LSHR, 2 * g).and(3).lanewise(VectorOperators.LSHL, 4))
                .sub(32);
        return ((FloatVector) q.convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(scale);
    }

    private IntVector ints(long offset) {
        return ints(data, offset);
    }

    private static IntVector ints(MemorySegment data, long offset) {
        return (IntVector) Vectors.bytes(data, offset).convertShape(VectorOperators.B2I, Vectors.INTS, 0);
    }

}
