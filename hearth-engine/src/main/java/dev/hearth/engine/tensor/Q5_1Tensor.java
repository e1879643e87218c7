package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q5_1: blocks of 32 values, each a half-precision scale {@code d} and minimum {@code m}, a 32-bit
 * {@code qh} (bit {@code j}: element {@code j}'s fifth bit) and 16 bytes of nibbles; value =
 * {@code d * q + m} with {@code q} the five bits ({@code block_q5_1} in ggml-common.h);
 * {@link #get} rounds it once ({@code fma}).
 */
public final class Q5_1Tensor extends Block32Tensor {

    static final int BLOCK_BYTES = 24;

    Q5_1Tensor(MemorySegment data, long size) {
        super(data, size, GgmlType.Q5_1);
    }

    @Override
    public float get(long index) {
        long block = index / BLOCK * BLOCK_BYTES;
        int within = (int) (index % BLOCK);
        int q = nibble(block + 8, within) | fifthBit(data.get(INT_LE, block + 4), within);
        return Math.fma(q, f16(data.get(SHORT_LE, block)), f16(data.get(SHORT_LE, block + 2)));
    }

    /** ggml_vec_dot_q5_1_q8_1: {@code d·dy·Σ q·qy + m·sy}. */
    @Override
    float scalarBlock(long block, byte[] q, int at, float dy, float sy) {
        int qh = data.get(INT_LE, block + 4);
        int isum = 0;
        for (int j = 0; j < BLOCK; j++) {
            isum += (nibble(block + 8, j) | fifthBit(qh, j)) * q[at + j];
        }
        return isum * (f16(data.get(SHORT_LE, block)) * dy) + f16(data.get(SHORT_LE, block + 2)) * sy;
    }

    /**
     * Two chains, even and odd vector steps, over the packed row and the split input, each value
     * {@code d * q} (with 16 lanes looked up in the block's 32 values, {@link #fiveBits}); then plus
     * the minimum's terms ({@link #addBlockTerms}). Both widths in one method, above C2's inlining
     * size, as Q5_0's (see there).
     */
    @Override
    float vectorDot(long rowStart, float[] x, int cols, float[] sums) {
        int half = cols / 2;
        FloatVector even = FloatVector.zero(Vectors.FLOATS), odd = even;
        float terms = 0f; // the minimum's terms (addBlockTerms' chain), beside the vector work
        MemorySegment row = data;
        int block = 0; // int-counted from the row start: C2 optimises such loops better
        if (Vectors.LANES != BLOCK / 2) {
            // 8 lanes: the block's 16 quant bytes widened once as two vectors, low nibbles its steps
            // at k and k + 8, high nibbles those at k + 16 and k + 24 (even, odd, even, odd), each with
            // its fifth bits from qh
            for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
                terms += f16(row.get(SHORT_LE, rowStart + block + 2)) * sums[k / BLOCK];
                FloatVector d = broadcast(f16(row.get(SHORT_LE, rowStart + block)));
                int qh = row.get(INT_LE, rowStart + block + 4);
                IntVector p0 = Vectors.unsigned(row, rowStart + block + 8), p1 = Vectors.unsigned(row, rowStart + block + 16);
                int at = k / 2;
                even = ((FloatVector) p0.and(0x0f).or(IntVector.broadcast(Vectors.INTS, qh << 4).lanewise(VectorOperators.LSHR, LANE).and(0x10))
                        .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, at), even);
                odd = ((FloatVector) p1.and(0x0f).or(IntVector.broadcast(Vectors.INTS, (qh >>> 8) << 4).lanewise(VectorOperators.LSHR, LANE).and(0x10))
                        .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + at), odd);
                even = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4).or(IntVector.broadcast(Vectors.INTS, (qh >>> 16) << 4).lanewise(VectorOperators.LSHR, LANE).and(0x10))
                        .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, at + 8), even);
                odd = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4).or(IntVector.broadcast(Vectors.INTS, (qh >>> 24) << 4).lanewise(VectorOperators.LSHR, LANE).and(0x10))
                        .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + at + 8), odd);
            }
            return Vectors.tree(even.add(odd)) + terms;
        }
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            terms += f16(row.get(SHORT_LE, rowStart + block + 2)) * sums[k / BLOCK];
            float scale = f16(row.get(SHORT_LE, rowStart + block));
            int qh = row.get(INT_LE, rowStart + block + 4);
            // the block's 32 values q * d as two vectors
            IntVector low = fiveBitTable(scale, 0, false), high = fiveBitTable(scale, 0, true);
            even = fiveBits(row, rowStart + block + 8, qh, 0).selectFrom(low, high).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, k / 2), even);
            odd = fiveBits(row, rowStart + block + 8, qh, 16).selectFrom(low, high).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + k / 2), odd);
        }
        return Vectors.tree(even.add(odd)) + terms;
    }

    @Override
    void dequantizeBlock(long block, float[] panel, int row, int k, int half) {
        dequantizeFiveBits(block, 4, 0, panel, row, k, half);
    }

    /** quantize_row_q5_1_ref: {@code d = (max - min) / 31}, {@code m = min}, q = (int)((x - min) / d + 0.5). */
    static byte[] quantize(float[] values) {
        requireMultiple(values, BLOCK, GgmlType.Q5_1);
        ByteBuffer out = ByteBuffer.allocate(values.length / BLOCK * BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int[] q = new int[BLOCK];
        for (int b = 0; b < values.length; b += BLOCK) {
            float[] range = range(values, b);
            float d = (range[1] - range[0]) / 31f;
            float id = d != 0f ? 1f / d : 0f;
            for (int j = 0; j < BLOCK; j++) {
                q[j] = ((int) ((values[b + j] - range[0]) * id + 0.5f)) & 0xff;
            }
            out.putShort(f16Bits(d)).putShort(f16Bits(range[0])).putInt(fifthBits(q)).put(nibbleBytes(q));
        }
        return out.array();
    }
}
