package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
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
     * Split indices are computed in place: with {@link Panel#split} calls the method passed C2's
     * node budget, a call stayed in the loop and the kernel ran three times slower. The 16-lane body
     * widens a pair's bytes once for both nibbles (and keeps the method too big for C2 to inline into
     * its callers, see {@link KQuantTensor}).
     */
    @Override
    float panelDot(long rowStart, float[] x, int cols, float[] sm) {
        int half = cols / 2;
        FloatVector even = FloatVector.zero(Vectors.FLOATS), odd = even;
        MemorySegment row = data;
        if (Vectors.LANES == 16) {
            // one flat loop over the row's pairs of sub-blocks, its offsets ints from the row start
            // (a loop per super-block around four unrolled pairs, with long offsets, ran ~30% slower):
            // a pair is one pair of vector steps per nibble, its 32 bytes loaded and widened once,
            // low nibbles the first sub-block, high ones the second
            for (int pair = 0, off = 16, s = 0; pair < cols / 64; pair++) {
                int xi = pair * 32;
                IntVector p0 = Vectors.unsigned(row, rowStart + off), p1 = Vectors.unsigned(row, rowStart + off + 16);
                FloatVector scale = FloatVector.broadcast(Vectors.FLOATS, sm[s]);
                FloatVector min = FloatVector.broadcast(Vectors.FLOATS, sm[s + MINS]);
                even = ((FloatVector) p0.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                        .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, xi), even);
                odd = ((FloatVector) p1.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                        .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi), odd);
                scale = FloatVector.broadcast(Vectors.FLOATS, sm[s + 1]);
                min = FloatVector.broadcast(Vectors.FLOATS, sm[s + MINS + 1]);
                even = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                        .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 16), even);
                odd = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                        .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi + 16), odd);
                if ((pair & 3) == 3) { // on to the next super-block's nibbles, past its 16-byte head
                    off += 32 + 16;
                    s += SCALES - 6;
                } else {
                    off += 32;
                    s += 2;
                }
            }
            return Vectors.tree(even.add(odd));
        }
        // 8 lanes: the same flat loop, each 16-wide step of the 16-lane body two 8-wide ones (vector
        // step j of a sub-block is even for j = 0, 2 and odd for 1, 3), sub-block by sub-block as
        // Panel's chains take them; a pair's 32 bytes widened once for both sub-blocks (as a loop
        // over sub-blocks, each step widening its bytes and shifting by a count depending on the
        // sub-block, the kernel ran at 4.0-4.7 G weights/s against 6.2-7.6 at 8 lanes)
        for (int pair = 0, off = 16, s = 0; pair < cols / 64; pair++) {
            int xi = pair * 32;
            IntVector p0 = Vectors.unsigned(row, rowStart + off), p1 = Vectors.unsigned(row, rowStart + off + 8);
            IntVector p2 = Vectors.unsigned(row, rowStart + off + 16), p3 = Vectors.unsigned(row, rowStart + off + 24);
            FloatVector scale = FloatVector.broadcast(Vectors.FLOATS, sm[s]);
            FloatVector min = FloatVector.broadcast(Vectors.FLOATS, sm[s + MINS]);
            even = ((FloatVector) p0.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, xi), even);
            odd = ((FloatVector) p1.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi), odd);
            even = ((FloatVector) p2.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 8), even);
            odd = ((FloatVector) p3.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi + 8), odd);
            scale = FloatVector.broadcast(Vectors.FLOATS, sm[s + 1]);
            min = FloatVector.broadcast(Vectors.FLOATS, sm[s + MINS + 1]);
            even = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 16), even);
            odd = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi + 16), odd);
            even = ((FloatVector) p2.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, xi + 24), even);
            odd = ((FloatVector) p3.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(FloatVector.fromArray(Vectors.FLOATS, x, half + xi + 24), odd);
            if ((pair & 3) == 3) {
                off += 32 + 16;
                s += SCALES - 6;
            } else {
                off += 32;
                s += 2;
            }
        }
        return Vectors.tree(even.add(odd));
    }

    @Override
    boolean rowPairs() {
        return true;
    }

    @Override
    void panelDotRows2(long rowStart, long rowStart1, float[] x, int cols, float[] sm, float[] sm1, float[] out,
            int at, int stride) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0;
        MemorySegment row = data;
        for (int pair = 0, off = 16, s = 0; pair < cols / 64; pair++) {
            int xi = pair * 32;
            FloatVector xe = FloatVector.fromArray(Vectors.FLOATS, x, xi);
            FloatVector xo = FloatVector.fromArray(Vectors.FLOATS, x, half + xi);
            FloatVector xe2 = FloatVector.fromArray(Vectors.FLOATS, x, xi + 16);
            FloatVector xo2 = FloatVector.fromArray(Vectors.FLOATS, x, half + xi + 16);
            IntVector p0 = Vectors.unsigned(row, rowStart + off), p1 = Vectors.unsigned(row, rowStart + off + 16);
            FloatVector scale = FloatVector.broadcast(Vectors.FLOATS, sm[s]);
            FloatVector min = FloatVector.broadcast(Vectors.FLOATS, sm[s + MINS]);
            e0 = ((FloatVector) p0.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min).fma(xe, e0);
            o0 = ((FloatVector) p1.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min).fma(xo, o0);
            scale = FloatVector.broadcast(Vectors.FLOATS, sm[s + 1]);
            min = FloatVector.broadcast(Vectors.FLOATS, sm[s + MINS + 1]);
            e0 = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(xe2, e0);
            o0 = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(xo2, o0);
            p0 = Vectors.unsigned(row, rowStart1 + off);
            p1 = Vectors.unsigned(row, rowStart1 + off + 16);
            scale = FloatVector.broadcast(Vectors.FLOATS, sm1[s]);
            min = FloatVector.broadcast(Vectors.FLOATS, sm1[s + MINS]);
            e1 = ((FloatVector) p0.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min).fma(xe, e1);
            o1 = ((FloatVector) p1.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min).fma(xo, o1);
            scale = FloatVector.broadcast(Vectors.FLOATS, sm1[s + 1]);
            min = FloatVector.broadcast(Vectors.FLOATS, sm1[s + MINS + 1]);
            e1 = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(xe2, e1);
            o1 = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min).fma(xo2, o1);
            if ((pair & 3) == 3) { // on to the next super-block's nibbles, past its 16-byte head
                off += 32 + 16;
                s += SCALES - 6;
            } else {
                off += 32;
                s += 2;
            }
        }
        out[at] = Vectors.tree(e0.add(o0));
        out[at + stride] = Vectors.tree(e1.add(o1));
    }

    /** {@link #panelDot}'s 16-lane body for two inputs: each pair's four value vectors decoded once. */
    @Override
    void panelDot2(long rowStart, float[] x0, float[] x1, int cols, float[] sm, float[] out, int at, int stride) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0;
        MemorySegment row = data;
        for (int pair = 0, off = 16, s = 0; pair < cols / 64; pair++) {
            IntVector p0 = Vectors.unsigned(row, rowStart + off), p1 = Vectors.unsigned(row, rowStart + off + 16);
            FloatVector scale = FloatVector.broadcast(Vectors.FLOATS, sm[s]);
            FloatVector min = FloatVector.broadcast(Vectors.FLOATS, sm[s + MINS]);
            FloatVector w0 = ((FloatVector) p0.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min);
            FloatVector w1 = ((FloatVector) p1.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min);
            scale = FloatVector.broadcast(Vectors.FLOATS, sm[s + 1]);
            min = FloatVector.broadcast(Vectors.FLOATS, sm[s + MINS + 1]);
            FloatVector w2 = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min);
            FloatVector w3 = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min);
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
                off += 32 + 16;
                s += SCALES - 6;
            } else {
                off += 32;
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
        for (int pair = 0, off = 16, s = 0; pair < cols / 64; pair++) {
            IntVector p0 = Vectors.unsigned(row, rowStart + off), p1 = Vectors.unsigned(row, rowStart + off + 16);
            FloatVector scale = FloatVector.broadcast(Vectors.FLOATS, sm[s]);
            FloatVector min = FloatVector.broadcast(Vectors.FLOATS, sm[s + MINS]);
            FloatVector w0 = ((FloatVector) p0.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min);
            FloatVector w1 = ((FloatVector) p1.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).fma(scale, min);
            scale = FloatVector.broadcast(Vectors.FLOATS, sm[s + 1]);
            min = FloatVector.broadcast(Vectors.FLOATS, sm[s + MINS + 1]);
            FloatVector w2 = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min);
            FloatVector w3 = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .fma(scale, min);
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
                off += 32 + 16;
                s += SCALES - 6;
            } else {
                off += 32;
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
        rowScales(data, rowStart, BLOCK_BYTES, cols, sm);
    }

    @Override
    void scales4(long first, long step, int cols, float[][] sm) {
        rowScales4(data, first, step, BLOCK_BYTES, cols, sm);
    }

    /**
     * {@link #rowScales} of the four rows at {@code first}, {@code first + step}, ..., super-block
     * by super-block across the four, so that four rows' scale bytes are on their way from memory at
     * once (one row after another, the scale pass waited for each super-block's line in turn).
     */
    static void rowScales4(MemorySegment data, long first, long step, int blockBytes, int cols, float[][] sm) {
        long block = first;
        for (int s = 0; s < cols / KQuants.SUPER_BLOCK * SCALES; s += SCALES, block += blockBytes) {
            for (int q = 0; q < 4; q++) { // one call site: four inlined copies passed C2's node budget
                subScales(data, block + q * step, sm[q], s);
            }
        }
    }

    /** {@link #subScales} of each super-block of a Q4_K or Q5_K row ({@code blockBytes} each). */
    static void rowScales(MemorySegment data, long rowStart, int blockBytes, int cols, float[] sm) {
        long block = rowStart;
        for (int s = 0; s < cols / KQuants.SUPER_BLOCK * SCALES; s += SCALES, block += blockBytes) {
            subScales(data, block, sm, s);
        }
    }

    /**
     * {@code d·sc} of the eight sub-blocks of the Q4_K/Q5_K super-block at {@code block} (its
     * {@code d}, {@code dmin} and 12 packed scale bytes lead it) into {@code sm[at..at+7]}, and
     * {@code −(dmin·m)} into {@code sm[at+MINS..]}. ggml's get_scale_min_k4 for all eight at once in
     * two longs, one byte per sub-block, then widened and scaled as one vector: unpacked one value at a
     * time, the scales took 40% of a one-row product; with three vector loads and a blend the code
     * was big enough to push the kernels it is inlined next to over C2's node budget.
     */
    private static void subScales(MemorySegment data, long block, float[] sm, int at) {
        long lo = data.get(LONG_LE, block + 4); // scale bytes 0-7
        long hi = data.get(INT_LE, block + 12) & 0xffffffffL; // scale bytes 8-11
        long top = (lo & 0xc0c0c0c0c0c0c0c0L) >>> 2; // each byte's top two bits as bits 4-5
        // sub-blocks 0-3: six bits of bytes j (scale) and j + 4 (min); 4-7: a nibble of byte j + 4,
        // with the top two bits of bytes j - 4 (scale) and j (min) above it
        long scales = (lo & 0x3f3f3f3fL) | (((hi & 0x0f0f0f0fL) | (top & 0x30303030L)) << 32);
        long mins = ((lo >>> 32) & 0x3f3f3f3fL) | ((((hi >>> 4) & 0x0f0f0f0fL) | (top >>> 32)) << 32);
        ByteVector bytes = (ByteVector) LongVector.zero(LongVector.SPECIES_128).withLane(0, scales).withLane(1, mins)
                .reinterpretShape(ByteVector.SPECIES_128, 0);
        FloatVector first = (FloatVector) bytes.convertShape(VectorOperators.B2I, Vectors.INTS, 0)
                .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0);
        float d = f16(data.get(SHORT_LE, block));
        float dmin = f16(data.get(SHORT_LE, block + 2));
        first.mul(d).intoArray(sm, at); // scales in lanes 0-7 (mins in 8-15 with 16 lanes: overwritten or unused)
        if (Vectors.LANES >= 16) {
            first.mul(-dmin).intoArray(sm, at + MINS - 8); // mins, lanes 8-15
        } else {
            ((FloatVector) bytes.convertShape(VectorOperators.B2I, Vectors.INTS, 1)
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(-dmin).intoArray(sm, at + MINS);
        }
    }

    /** Where a super-block's {@code −dmin·m} start in its {@link #SCALES} floats. */
    static final int MINS = SCALES - 8;

    /** The nibbles at bit {@code shift} (0 or 4) of {@code LANES} bytes at {@code offset}, as floats. */
    private FloatVector nibbles(long offset, int shift) {
        return (FloatVector) packed(offset).lanewise(VectorOperators.LSHR, shift).and(0x0f)
                .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0);
    }

    /** {@code LANES} bytes, zero-extended to ints (so the high nibble is one shift). */
    private IntVector packed(long offset) {
        return Vectors.unsigned(data, offset);
    }

    /**
     * The row whose first super-block is at byte {@code block}, dequantized into {@code out[at...]} in
     * {@link Panel}'s split order: each value {@code fma(q, d·sc, −dmin·m)}, one rounding of
     * llama.cpp's {@code d·sc·q − dmin·m}.
     */
    @Override
    void dequantizeRow(long block, int cols, float[] out, int at, float[] sm) {
        int half = cols / 2;
        for (int k = 0, s = 0; k < cols; k += KQuants.SUPER_BLOCK, block += BLOCK_BYTES, s += SCALES) {
            for (int sub = 0; sub < 8; sub++) {
                FloatVector scale = FloatVector.broadcast(Vectors.FLOATS, sm[s + sub]);
                FloatVector min = FloatVector.broadcast(Vectors.FLOATS, sm[s + MINS + sub]);
                long qs = block + 16 + (sub / 2) * 32L;
                int shift = (sub & 1) * 4;
                int xi = at + (k + sub * 32) / 2; // whole pairs of vector steps, as in panelDot
                for (int l = 0; l < 32; l += 2 * Vectors.LANES) {
                    nibbles(qs + l, shift).fma(scale, min).intoArray(out, xi + l / 2);
                    nibbles(qs + l + Vectors.LANES, shift).fma(scale, min).intoArray(out, half + xi + l / 2);
                }
            }
        }
    }
}
