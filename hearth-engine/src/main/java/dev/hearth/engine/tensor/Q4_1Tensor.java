package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_1: blocks of 32 values, each a half-precision scale {@code d} and minimum {@code m} and 16
 * bytes of nibbles; value = {@code d * q + m} ({@code block_q4_1} in ggml-common.h);
 * {@link #get} rounds it once ({@code fma}).
 */
public final class Q4_1Tensor extends Block32Tensor {

    static final int BLOCK_BYTES = 20;

    Q4_1Tensor(MemorySegment data, long size) {
        super(data, size, GgmlType.Q4_1);
    }

    @Override
    public float get(long index) {
        long block = index / BLOCK * BLOCK_BYTES;
        int q = nibble(block + 4, (int) (index % BLOCK));
        return Math.fma(q, f16(data.get(SHORT_LE, block)), f16(data.get(SHORT_LE, block + 2)));
    }

    /** ggml_vec_dot_q4_1_q8_1: {@code d·dy·Σ q·qy + m·sy}. */
    @Override
    float scalarBlock(long block, byte[] q, int at, float dy, float sy) {
        int isum = 0;
        for (int j = 0; j < BLOCK; j++) {
            isum += nibble(block + 4, j) * q[at + j];
        }
        return isum * (f16(data.get(SHORT_LE, block)) * dy) + f16(data.get(SHORT_LE, block + 2)) * sy;
    }

    /**
     * Two chains, even and odd vector steps, over the packed row and the split input, each value
     * {@code d * q}; then plus the minimum's terms ({@link #addBlockTerms}).
     */
    @Override
    float vectorDot(long rowStart, float[] x, int cols, float[] sums) {
        int half = cols / 2;
        FloatVector even = FloatVector.zero(Vectors.FLOATS), odd = even;
        float terms = 0f; // the minimum's terms (addBlockTerms' chain), beside the vector work
        MemorySegment row = data;
        int block = 0; // int-counted from the row start: C2 optimises such loops better
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            terms += f16(row.get(SHORT_LE, rowStart + block + 2)) * sums[k / BLOCK];
            float scale = f16(row.get(SHORT_LE, rowStart + block));
            if (Vectors.LANES == BLOCK / 2) { // low nibbles the even step, high ones the odd step
                FloatVector d = broadcast(scale);
                IntVector p = Vectors.unsigned(row, rowStart + block + 4);
                even = ((FloatVector) p.and(0x0f).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, k / 2), even);
                odd = ((FloatVector) p.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + k / 2), odd);
                continue;
            }
            // 8 lanes: the block's 16 quant bytes widened once as two vectors, low nibbles its steps at
            // k and k + 8, high nibbles those at k + 16 and k + 24 (even, odd, even, odd); widened per
            // step, with the nibble and the split index chosen per step, it ran at half the speed
            FloatVector d = broadcast(scale);
            IntVector p0 = Vectors.unsigned(row, rowStart + block + 4), p1 = Vectors.unsigned(row, rowStart + block + 12);
            int at = k / 2;
            even = ((FloatVector) p0.and(0x0f)
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, at), even);
            odd = ((FloatVector) p1.and(0x0f)
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + at), odd);
            even = ((FloatVector) p0.lanewise(VectorOperators.LSHR, 4)
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, at + 8), even);
            odd = ((FloatVector) p1.lanewise(VectorOperators.LSHR, 4)
                    .convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + at + 8), odd);
        }
        return Vectors.tree(even.add(odd)) + terms;
    }

    @Override
    void dequantizeBlock(long block, float[] panel, int row, int k, int half) {
        FloatVector d = broadcast(f16(data.get(SHORT_LE, block)));
        for (int e = 0; e < BLOCK; e += Vectors.LANES) {
            ((FloatVector) nibbles(data, block + 4, e).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .mul(d).intoArray(panel, row + Panel.split(k + e, half));
        }
    }

    /** quantize_row_q4_1_ref: {@code d = (max - min) / 15}, {@code m = min}, q = min(15, (int)((x - min) / d + 0.5)). */
    static byte[] quantize(float[] values) {
        requireMultiple(values, BLOCK, GgmlType.Q4_1);
        ByteBuffer out = ByteBuffer.allocate(values.length / BLOCK * BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int[] q = new int[BLOCK];
        for (int b = 0; b < values.length; b += BLOCK) {
            float[] range = range(values, b);
            float d = (range[1] - range[0]) / 15f;
            float id = d != 0f ? 1f / d : 0f;
            for (int j = 0; j < BLOCK; j++) {
                q[j] = Math.min(15, (int) (byte) (int) ((values[b + j] - range[0]) * id + 0.5f));
            }
            out.putShort(f16Bits(d)).putShort(f16Bits(range[0])).put(nibbleBytes(q));
        }
        return out.array();
    }
}
