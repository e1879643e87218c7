package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q5_0: blocks of 32 values, each a half-precision scale {@code d}, a 32-bit {@code qh} (bit
 * {@code j}: element {@code j}'s fifth bit) and 16 bytes of nibbles; value = {@code d * (q - 16)}
 * with {@code q} the five bits ({@code block_q5_0} in ggml-common.h).
 */
public final class Q5_0Tensor extends Block32Tensor {

    static final int BLOCK_BYTES = 22;

    Q5_0Tensor(MemorySegment data, long size) {
        super(data, size, GgmlType.Q5_0);
    }

    @Override
    public float get(long index) {
        long block = index / BLOCK * BLOCK_BYTES;
        int within = (int) (index % BLOCK);
        float d = f16(data.get(SHORT_LE, block));
        int q = nibble(block + 6, within) | fifthBit(data.get(INT_LE, block + 2), within);
        return d * (q - 16);
    }

    @Override
    float scalarBlock(long block, byte[] q, int at, float dy, float sy) {
        int qh = data.get(INT_LE, block + 2);
        int isum = 0;
        for (int j = 0; j < BLOCK; j++) {
            isum += ((nibble(block + 6, j) | fifthBit(qh, j)) - 16) * q[at + j];
        }
        return isum * (f16(data.get(SHORT_LE, block)) * dy);
    }

    /**
     * Two chains, even and odd vector steps, over the packed row and the split input; each value
     * {@code (q - 16) * d} rounded once, as {@link #get}; with 16 lanes looked up in the block's 32
     * values ({@link #fiveBits}). Both widths' bodies in one method, as in Q4_0: at 228 bytecodes
     * (the 8-lane body in a method of its own) C2 inlined the kernel into the batch loop's
     * compilation, where it passed the node budget and lost its intrinsics (Vector API fallbacks,
     * decode at 2-3 tok/s instead of 16-19, in most runs); above 325 ({@code FreqInlineSize}) it is
     * compiled on its own, as the K-quant kernels are.
     */
    @Override
    float vectorDot(long rowStart, float[] x, int cols, float[] sums) {
        int half = cols / 2;
        FloatVector even = FloatVector.zero(Vectors.FLOATS), odd = even;
        MemorySegment row = data;
        int block = 0; // int-counted from the row start: C2 optimises such loops better
        if (Vectors.LANES != BLOCK / 2) {
            // 8 lanes: the block's 16 quant bytes widened once as two vectors, low nibbles its steps
            // at k and k + 8, high nibbles those at k + 16 and k + 24 (even, odd, even, odd), each with
            // its fifth bits from qh (as a loop over steps, widening per step, it ran at 3.4-3.5 G
            // weights/s against 5.5-5.6)
            for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
                FloatVector d = broadcast(f16(row.get(SHORT_LE, rowStart + block)));
                int qh = row.get(INT_LE, rowStart + block + 2);
                IntVector p0 = Vectors.unsigned(row, rowStart + block + 6), p1 = Vectors.unsigned(row, rowStart + block + 14);
                int at = k / 2;
                even = ((FloatVector) p0.and(0x0f).or(IntVector.broadcast(Vectors.INTS, qh << 4).lanewise(VectorOperators.LSHR, LANE).and(0x10))
                        .sub(16).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, at), even);
                odd = ((FloatVector) p1.and(0x0f).or(IntVector.broadcast(Vectors.INTS, (qh >>> 8) << 4).lanewise(VectorOperators.LSHR, LANE).and(0x10))
                        .sub(16).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + at), odd);
                even = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4).or(IntVector.broadcast(Vectors.INTS, (qh >>> 16) << 4).lanewise(VectorOperators.LSHR, LANE).and(0x10))
                        .sub(16).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, at + 8), even);
                odd = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4).or(IntVector.broadcast(Vectors.INTS, (qh >>> 24) << 4).lanewise(VectorOperators.LSHR, LANE).and(0x10))
                        .sub(16).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + at + 8), odd);
            }
            return Vectors.tree(even.add(odd));
        }
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            float scale = f16(row.get(SHORT_LE, rowStart + block));
            int qh = row.get(INT_LE, rowStart + block + 2);
            // the block's 32 values (q - 16) * d as two vectors
            IntVector low = fiveBitTable(scale, 16, false), high = fiveBitTable(scale, 16, true);
            even = fiveBits(row, rowStart + block + 6, qh, 0).selectFrom(low, high).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, k / 2), even);
            odd = fiveBits(row, rowStart + block + 6, qh, 16).selectFrom(low, high).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + k / 2), odd);
        }
        return Vectors.tree(even.add(odd));
    }


    /**
     * Two to four inputs at once ({@link FloatTensor#dotRowsTogether}), at 16 lanes: each block's
     * values looked up once and multiplied into every input's two chains, in {@link #vectorDot}'s
     * order (Q5_0 is most of the Q4_K_M files of models whose rows are not whole super-blocks,
     * Qwen2.5-0.5B's among them).
     */
    @Override
    boolean together(int n) {
        return Vectors.LANES == BLOCK / 2;
    }

    @Override
    void rowTogether(int r, int cols, float[] x0, float[] x1, float[] x2, float[] x3, int n, float[] out, int at,
            int stride) {
        long rowStart = (long) r * (cols / BLOCK) * BLOCK_BYTES;
        if (n == 2) {
            dot2(rowStart, x0, x1, cols, out, at, stride);
        } else {
            dot4(rowStart, x0, x1, x2, x3, cols, out, at, stride, n);
        }
    }

    /** {@link #vectorDot}'s 16-lane body for two inputs. */
    private void dot2(long rowStart, float[] x0, float[] x1, int cols, float[] out, int at, int stride) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0;
        MemorySegment row = data;
        int block = 0;
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            float scale = f16(row.get(SHORT_LE, rowStart + block));
            int qh = row.get(INT_LE, rowStart + block + 2);
            IntVector low = fiveBitTable(scale, 16, false), high = fiveBitTable(scale, 16, true);
            FloatVector lo = fiveBits(row, rowStart + block + 6, qh, 0).selectFrom(low, high).reinterpretAsFloats();
            FloatVector hi = fiveBits(row, rowStart + block + 6, qh, 16).selectFrom(low, high).reinterpretAsFloats();
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
            float scale = f16(row.get(SHORT_LE, rowStart + block));
            int qh = row.get(INT_LE, rowStart + block + 2);
            IntVector low = fiveBitTable(scale, 16, false), high = fiveBitTable(scale, 16, true);
            FloatVector lo = fiveBits(row, rowStart + block + 6, qh, 0).selectFrom(low, high).reinterpretAsFloats();
            FloatVector hi = fiveBits(row, rowStart + block + 6, qh, 16).selectFrom(low, high).reinterpretAsFloats();
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

    @Override
    void dequantizeBlock(long block, float[] panel, int row, int k, int half) {
        dequantizeFiveBits(block, 2, 16, panel, row, k, half);
    }

    /**
     * quantize_row_q5_0_ref: {@code d = max / -16} where {@code max} is the value of largest magnitude
     * (sign kept), q = min(31, (int)(x / d + 16.5)).
     */
    static byte[] quantize(float[] values) {
        requireMultiple(values, BLOCK, GgmlType.Q5_0);
        ByteBuffer out = ByteBuffer.allocate(values.length / BLOCK * BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int[] q = new int[BLOCK];
        for (int b = 0; b < values.length; b += BLOCK) {
            float d = signedMax(values, b) / -16f;
            float id = d != 0f ? 1f / d : 0f;
            for (int j = 0; j < BLOCK; j++) {
                q[j] = Math.min(31, (int) (byte) (int) (values[b + j] * id + 16.5f));
            }
            out.putShort(f16Bits(d)).putInt(fifthBits(q)).put(nibbleBytes(q));
        }
        return out.array();
    }
}
