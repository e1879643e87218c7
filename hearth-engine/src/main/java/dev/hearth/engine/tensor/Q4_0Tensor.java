package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0: blocks of 32 values, each a half-precision scale {@code d} and 16 bytes of nibbles; byte
 * {@code j} holds element {@code j} in its low nibble and element {@code j + 16} in its high
 * nibble; value = {@code d * (nibble - 8)} ({@code block_q4_0} in ggml-common.h).
 */
public final class Q4_0Tensor extends FloatTensor {

    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;

    Q4_0Tensor(MemorySegment data, long size) {
        super(data, size, GgmlType.Q4_0);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public float get(long index) {
        long block = (index / BLOCK) * BLOCK_BYTES;
        int within = (int) (index % BLOCK);
        float d = f16(data.get(SHORT_LE, block));
        int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + (within & 15));
        int q = within < 16 ? packed & 0x0f : (packed >> 4) & 0x0f;
        return d * (q - 8);
    }

    @Override
    public Activation.Kind activationKind() {
        return Activation.Kind.Q8_0;
    }

    /**
     * With vectors: the dequantized weights ({@code (nibble - 8) * d}) times the dequantized input, in
     * {@link Panel}'s order. Scalar: ggml_vec_dot_q4_0_q8_0, per block the integer dot of
     * {@code nibble - 8} with the Q8_0 input times both scales.
     */
    @Override
    public float dot(long offset, Activation x) {
        Activation.Q8_0 a = (Activation.Q8_0) x;
        if (offset % BLOCK != 0) {
            throw new IllegalArgumentException("Q4_0 rows must start on a block boundary: " + offset);
        }
        if (panelKernels(a.length())) {
            return vectorDot(offset / BLOCK * BLOCK_BYTES, a.values(), a.length());
        }
        byte[] q = a.quants();
        float sum = 0f;
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int b = 0; b < q.length / BLOCK; b++, block += BLOCK_BYTES) {
            float d = f16(data.get(SHORT_LE, block));
            int isum = 0;
            for (int j = 0; j < BLOCK / 2; j++) {
                int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + j);
                isum += ((packed & 0x0f) - 8) * q[b * BLOCK + j] + (((packed >> 4) & 0x0f) - 8) * q[b * BLOCK + j + 16];
            }
            sum += isum * (d * a.scales()[b]);
        }
        return sum;
    }

    /** {@code n - 8} in lane {@code n}: the nibbles' values before scaling (16 lanes only). */
    private static final FloatVector MINUS_8 = FloatVector.zero(Vectors.FLOATS).addIndex(1).sub(8f);

    /**
     * With 16 lanes, the block's sixteen values {@code (n - 8) * d}, as int bits: {@code
     * packed.selectFrom(table)} takes lane {@code packed & 15} of it, the low nibble's value, and the
     * high nibble's after a shift by 4. One multiply per 32 weights replaces two conversions and two
     * dequantizing FMAs (one-row products 6% faster over an L2-resident matrix; the same over rows of 8192,
     * whose reads of the input bound them).
     */
    private static IntVector table(float d) {
        return MINUS_8.mul(d).reinterpretAsInts();
    }

    /**
     * Two chains, even and odd vector steps, as {@link Panel#dot}, over the packed row and the split
     * input. A block's bytes are zero-extended to ints ({@link Vectors#unsigned}), where nibbles are
     * cheap to take apart (x86 cannot shift bytes): low nibbles are its first 16 values, high nibbles
     * the last 16, each value {@code (nibble - 8) * d} rounded once, as {@link #get} computes it (so a
     * zero keeps the sign of {@code d}). With 16 lanes a block's low nibbles are its even step and the
     * high ones its odd step, each picking its value from {@link #table}. The loop counts in ints
     * from the row's start: C2 optimises int-indexed loops better (10-20% here).
     */
    private float vectorDot(long rowStart, float[] x, int cols) {
        int half = cols / 2;
        FloatVector even = FloatVector.zero(Vectors.FLOATS), odd = even;
        MemorySegment row = data;
        int block = 0;
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            float scale = f16(row.get(SHORT_LE, rowStart + block));
            if (Vectors.LANES == BLOCK / 2) {
                IntVector table = table(scale);
                IntVector packed = Vectors.unsigned(row, rowStart + block + 2);
                even = packed.selectFrom(table).reinterpretAsFloats()
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, k / 2), even);
                odd = packed.lanewise(VectorOperators.LSHR, 4).selectFrom(table).reinterpretAsFloats()
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + k / 2), odd);
                continue;
            }
            // 8 lanes: the block's 16 bytes widened once as two vectors, low nibbles its steps at
            // k and k + 8, high nibbles those at k + 16 and k + 24 (even, odd, even, odd); widened per
            // step, with split indices computed per step, it ran at half the speed (3.7-4.4 against
            // 7.6-9.5 G weights/s)
            FloatVector d = FloatVector.broadcast(Vectors.FLOATS, scale);
            IntVector p0 = Vectors.unsigned(row, rowStart + block + 2), p1 = Vectors.unsigned(row, rowStart + block + 10);
            int at = k / 2;
            even = ((FloatVector) p0.and(0x0f).sub(8).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, at), even);
            odd = ((FloatVector) p1.and(0x0f).sub(8).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + at), odd);
            even = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4).sub(8).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, at + 8), even);
            odd = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4).sub(8).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + at + 8), odd);
        }
        return Vectors.tree(even.add(odd));
    }

    /** At 16 lanes, two rows per kernel ({@link #vectorDot2}), the four streams in two calls. */
    @Override
    boolean streams(int cols) {
        return panelKernels(cols) && Vectors.LANES == BLOCK / 2;
    }

    @Override
    void dotRowStreams(Activation x, int r0, int n, int stride, int cols, float[] out, int base) {
        float[] values = ((Activation.Q8_0) x).values();
        long rowBytes = (long) cols / BLOCK * BLOCK_BYTES;
        for (int i = 0; i < 2 * n; i++) {
            // rows r and r + stride, then r + 2 * stride and r + 3 * stride: one call site, as two
            // calls C2 inlined both copies, passed its node budget and ran at a quarter of the speed
            int r = r0 + i / 2 + (i % 2) * 2 * stride;
            vectorDot2(r * rowBytes, stride * rowBytes, values, cols, out, base + r, stride);
        }
    }

    /**
     * {@link #vectorDot}'s 16-lane body for the two rows at {@code rowStart} and {@code streamBytes}
     * after it, into {@code out[at]} and {@code out[at + stride]}: each row its own table and two
     * chains, every input vector loaded once for both. (Four rows in one kernel passed C2's node
     * budget, and its vectors fell back to objects.)
     */
    private void vectorDot2(long rowStart, long streamBytes, float[] x, int cols, float[] out, int at, int stride) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0;
        MemorySegment row = data;
        long s1 = rowStart + streamBytes;
        int block = 0;
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            FloatVector xe = FloatVector.fromArray(Vectors.FLOATS, x, k / 2);
            FloatVector xo = FloatVector.fromArray(Vectors.FLOATS, x, half + k / 2);
            IntVector table = table(f16(row.get(SHORT_LE, rowStart + block)));
            IntVector packed = Vectors.unsigned(row, rowStart + block + 2);
            e0 = packed.selectFrom(table).reinterpretAsFloats().fma(xe, e0);
            o0 = packed.lanewise(VectorOperators.LSHR, 4).selectFrom(table).reinterpretAsFloats().fma(xo, o0);
            table = table(f16(row.get(SHORT_LE, s1 + block)));
            packed = Vectors.unsigned(row, s1 + block + 2);
            e1 = packed.selectFrom(table).reinterpretAsFloats().fma(xe, e1);
            o1 = packed.lanewise(VectorOperators.LSHR, 4).selectFrom(table).reinterpretAsFloats().fma(xo, o1);
        }
        out[at] = Vectors.tree(e0.add(o0));
        out[at + stride] = Vectors.tree(e1.add(o1));
    }

    /**
     * Two to four inputs at once ({@link FloatTensor#dotRowsTogether}), at both widths: each block's
     * values are decoded once and multiplied into every input's two chains, in {@link #vectorDot}'s order.
     */
    @Override
    boolean together(int n) {
        return true;
    }

    @Override
    void rowTogether(int r, int cols, float[] x0, float[] x1, float[] x2, float[] x3, int n, float[] out, int at,
            int stride) {
        long rowStart = (long) r * (cols / BLOCK) * BLOCK_BYTES;
        if (n == 2 && Vectors.LANES == BLOCK / 2) {
            dot2(rowStart, x0, x1, cols, out, at, stride);
        } else if (n == 2) {
            dot2Narrow(rowStart, x0, x1, cols, out, at, stride);
        } else if (Vectors.LANES == BLOCK / 2) {
            dot4(rowStart, x0, x1, x2, x3, cols, out, at, stride, n);
        } else {
            dot4Narrow(rowStart, x0, x1, x2, x3, cols, out, at, stride, n);
        }
    }

    /** {@link #vectorDot}'s 16-lane body for two inputs. */
    private void dot2(long rowStart, float[] x0, float[] x1, int cols, float[] out, int at, int stride) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0;
        MemorySegment row = data;
        int block = 0;
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            IntVector table = table(f16(row.get(SHORT_LE, rowStart + block)));
            IntVector packed = Vectors.unsigned(row, rowStart + block + 2);
            FloatVector lo = packed.selectFrom(table).reinterpretAsFloats();
            FloatVector hi = packed.lanewise(VectorOperators.LSHR, 4).selectFrom(table).reinterpretAsFloats();
            int a = k / 2, b = half + k / 2;
            e0 = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a), e0);
            o0 = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b), o0);
            e1 = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a), e1);
            o1 = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b), o1);
        }
        out[at] = Vectors.tree(e0.add(o0));
        out[at + stride] = Vectors.tree(e1.add(o1));
    }

    /** {@link #vectorDot}'s 16-lane body for four inputs, of which the first {@code n} are written. */
    private void dot4(long rowStart, float[] x0, float[] x1, float[] x2, float[] x3, int cols, float[] out, int at,
            int stride, int n) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0, e2 = e0, o2 = e0, e3 = e0, o3 = e0;
        MemorySegment row = data;
        int block = 0;
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            IntVector table = table(f16(row.get(SHORT_LE, rowStart + block)));
            IntVector packed = Vectors.unsigned(row, rowStart + block + 2);
            FloatVector lo = packed.selectFrom(table).reinterpretAsFloats();
            FloatVector hi = packed.lanewise(VectorOperators.LSHR, 4).selectFrom(table).reinterpretAsFloats();
            int a = k / 2, b = half + k / 2;
            e0 = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a), e0);
            o0 = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b), o0);
            e1 = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a), e1);
            o1 = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b), o1);
            e2 = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x2, a), e2);
            o2 = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x2, b), o2);
            e3 = lo.fma(FloatVector.fromArray(Vectors.FLOATS, x3, a), e3);
            o3 = hi.fma(FloatVector.fromArray(Vectors.FLOATS, x3, b), o3);
        }
        out[at] = Vectors.tree(e0.add(o0));
        out[at + stride] = Vectors.tree(e1.add(o1));
        out[at + 2 * stride] = Vectors.tree(e2.add(o2));
        if (n > 3) {
            out[at + 3 * stride] = Vectors.tree(e3.add(o3));
        }
    }

    /** {@link #vectorDot}'s 8-lane body for two inputs: the block's four value vectors decoded once. */
    private void dot2Narrow(long rowStart, float[] x0, float[] x1, int cols, float[] out, int at, int stride) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0;
        MemorySegment row = data;
        int block = 0;
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(Vectors.FLOATS, f16(row.get(SHORT_LE, rowStart + block)));
            IntVector p0 = Vectors.unsigned(row, rowStart + block + 2), p1 = Vectors.unsigned(row, rowStart + block + 10);
            FloatVector w0 = ((FloatVector) p0.and(0x0f).sub(8).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d);
            FloatVector w1 = ((FloatVector) p1.and(0x0f).sub(8).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d);
            FloatVector w2 = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4).sub(8).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d);
            FloatVector w3 = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4).sub(8).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d);
            int a = k / 2, b = half + k / 2;
            e0 = w0.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a), e0);
            o0 = w1.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b), o0);
            e0 = w2.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a + 8), e0);
            o0 = w3.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b + 8), o0);
            e1 = w0.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a), e1);
            o1 = w1.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b), o1);
            e1 = w2.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a + 8), e1);
            o1 = w3.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b + 8), o1);
        }
        out[at] = Vectors.tree(e0.add(o0));
        out[at + stride] = Vectors.tree(e1.add(o1));
    }

    /** {@link #dot2Narrow} for four inputs, of which the first {@code n} are written. */
    private void dot4Narrow(long rowStart, float[] x0, float[] x1, float[] x2, float[] x3, int cols, float[] out,
            int at, int stride, int n) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0, e2 = e0, o2 = e0, e3 = e0, o3 = e0;
        MemorySegment row = data;
        int block = 0;
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(Vectors.FLOATS, f16(row.get(SHORT_LE, rowStart + block)));
            IntVector p0 = Vectors.unsigned(row, rowStart + block + 2), p1 = Vectors.unsigned(row, rowStart + block + 10);
            FloatVector w0 = ((FloatVector) p0.and(0x0f).sub(8).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d);
            FloatVector w1 = ((FloatVector) p1.and(0x0f).sub(8).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d);
            FloatVector w2 = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4).sub(8).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d);
            FloatVector w3 = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4).sub(8).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d);
            int a = k / 2, b = half + k / 2;
            e0 = w0.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a), e0);
            o0 = w1.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b), o0);
            e0 = w2.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a + 8), e0);
            o0 = w3.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b + 8), o0);
            e1 = w0.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a), e1);
            o1 = w1.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b), o1);
            e1 = w2.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a + 8), e1);
            o1 = w3.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b + 8), o1);
            e2 = w0.fma(FloatVector.fromArray(Vectors.FLOATS, x2, a), e2);
            o2 = w1.fma(FloatVector.fromArray(Vectors.FLOATS, x2, b), o2);
            e2 = w2.fma(FloatVector.fromArray(Vectors.FLOATS, x2, a + 8), e2);
            o2 = w3.fma(FloatVector.fromArray(Vectors.FLOATS, x2, b + 8), o2);
            e3 = w0.fma(FloatVector.fromArray(Vectors.FLOATS, x3, a), e3);
            o3 = w1.fma(FloatVector.fromArray(Vectors.FLOATS, x3, b), o3);
            e3 = w2.fma(FloatVector.fromArray(Vectors.FLOATS, x3, a + 8), e3);
            o3 = w3.fma(FloatVector.fromArray(Vectors.FLOATS, x3, b + 8), o3);
        }
        out[at] = Vectors.tree(e0.add(o0));
        out[at + stride] = Vectors.tree(e1.add(o1));
        out[at + 2 * stride] = Vectors.tree(e2.add(o2));
        if (n > 3) {
            out[at + 3 * stride] = Vectors.tree(e3.add(o3));
        }
    }

    @Override
    boolean panelKernels(int cols) {
        return Vectors.QUANTIZED_ENABLED && Vectors.LANES <= BLOCK / 2;
    }

    @Override
    float[] panelInput(Activation x) {
        return ((Activation.Q8_0) x).values();
    }

    /** {@code (nibble - 8) * d} per element, computed as {@link #vectorDot} computes it, each row in {@link Panel}'s split order. */
    @Override
    void dequantizeRows(int r0, int r1, int cols, float[] panel) {
        long block = (long) r0 * (cols / BLOCK) * BLOCK_BYTES;
        int half = cols / 2;
        for (int r = 0; r < r1 - r0; r++) {
            int row = r * cols;
            for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
                float scale = f16(data.get(SHORT_LE, block));
                if (Vectors.LANES == BLOCK / 2) {
                    IntVector table = table(scale);
                    IntVector packed = Vectors.unsigned(data, block + 2);
                    packed.selectFrom(table).reinterpretAsFloats().intoArray(panel, row + Panel.split(k, half));
                    packed.lanewise(VectorOperators.LSHR, 4).selectFrom(table).reinterpretAsFloats()
                            .intoArray(panel, row + Panel.split(k + BLOCK / 2, half));
                    continue;
                }
                FloatVector d = FloatVector.broadcast(Vectors.FLOATS, scale);
                for (int j = 0; j < BLOCK / 2; j += Vectors.LANES) {
                    IntVector packed = Vectors.unsigned(data, block + 2 + j);
                    ((FloatVector) packed.and(0x0f).sub(8).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                            .intoArray(panel, row + Panel.split(k + j, half));
                    ((FloatVector) packed.lanewise(VectorOperators.LSHR, 4).sub(8).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                            .intoArray(panel, row + Panel.split(k + BLOCK / 2 + j, half));
                }
            }
        }
    }

    /**
     * quantize_row_q4_0_ref: {@code d = max / -8} where {@code max} is the value of largest
     * magnitude (sign kept), nibble = min(15, (int)(x / d + 8.5)).
     */
    static byte[] quantize(float[] values) {
        requireMultiple(values, BLOCK, GgmlType.Q4_0);
        ByteBuffer out = ByteBuffer.allocate(values.length / BLOCK * BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < values.length; b += BLOCK) {
            float d = Block32Tensor.signedMax(values, b) / -8f;
            float id = d != 0f ? 1f / d : 0f;
            out.putShort(f16Bits(d));
            for (int j = 0; j < BLOCK / 2; j++) {
                int lo = Math.min(15, (int) (byte) (int) (values[b + j] * id + 8.5f));
                int hi = Math.min(15, (int) (byte) (int) (values[b + BLOCK / 2 + j] * id + 8.5f));
                out.put((byte) (lo | (hi << 4)));
            }
        }
        return out.array();
    }
}
