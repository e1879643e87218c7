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
        super(data, size, GgmlType.Q5_0, false);
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
     * {@code (q - 16) * d} rounded once, as {@link #get}. A step of {@code LANES} elements from
     * element {@code e} of a block takes nibbles of bytes {@code e % 16...} (the high ones from 16 on)
     * and its fifth bits from {@code qh >>> e}, moved to bit 4 lane by lane.
     */
    @Override
    float vectorDot(long rowStart, float[] x, int cols) {
        int half = cols / 2;
        FloatVector even = FloatVector.zero(Vectors.FLOATS), odd = even;
        MemorySegment row = data;
        int block = 0; // int-counted from the row start: C2 optimises such loops better
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            FloatVector d = broadcast(f16(row.get(SHORT_LE, rowStart + block)));
            int qh = row.get(INT_LE, rowStart + block + 2);
            for (int e = 0; e < BLOCK; e += 2 * Vectors.LANES) {
                int f = e + Vectors.LANES;
                IntVector p0 = packed(row, rowStart + block + 6 + (e & 15));
                IntVector p1 = packed(row, rowStart + block + 6 + (f & 15));
                IntVector q0 = (e < 16 ? p0.and(0x0f) : p0.lanewise(VectorOperators.LSHR, 4))
                        .or(IntVector.broadcast(Vectors.INTS, (qh >>> e) << 4).lanewise(VectorOperators.LSHR, LANE).and(0x10));
                IntVector q1 = (f < 16 ? p1.and(0x0f) : p1.lanewise(VectorOperators.LSHR, 4))
                        .or(IntVector.broadcast(Vectors.INTS, (qh >>> f) << 4).lanewise(VectorOperators.LSHR, LANE).and(0x10));
                even = ((FloatVector) q0.sub(16).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, Panel.split(k + e, half)), even);
                odd = ((FloatVector) q1.sub(16).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, Panel.split(k + f, half)), odd);
            }
        }
        return Vectors.tree(even.add(odd));
    }

    /** {@code (q - 16) * d} per element, computed as {@link #vectorDot} computes it, each row in {@link Panel}'s split order. */
    @Override
    void dequantizeRows(int r0, int r1, int cols, float[] panel) {
        long block = (long) r0 * (cols / BLOCK) * BLOCK_BYTES;
        int half = cols / 2;
        for (int r = 0; r < r1 - r0; r++) {
            int row = r * cols;
            for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
                FloatVector d = broadcast(f16(data.get(SHORT_LE, block)));
                int qh = data.get(INT_LE, block + 2);
                for (int e = 0; e < BLOCK; e += Vectors.LANES) {
                    IntVector p = packed(data, block + 6 + (e & 15));
                    IntVector q = (e < 16 ? p.and(0x0f) : p.lanewise(VectorOperators.LSHR, 4))
                            .or(IntVector.broadcast(Vectors.INTS, (qh >>> e) << 4).lanewise(VectorOperators.LSHR, LANE).and(0x10));
                    ((FloatVector) q.sub(16).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0)).mul(d)
                            .intoArray(panel, row + Panel.split(k + e, half));
                }
            }
        }
    }

    /**
     * quantize_row_q5_0_ref: {@code d = max / -16} where {@code max} is the value of largest magnitude
     * (sign kept), q = min(31, (int)(x / d + 16.5)).
     */
    static byte[] quantize(float[] values) {
        requireMultiple(values, BLOCK, GgmlType.Q5_0);
        ByteBuffer out = ByteBuffer.allocate(values.length / BLOCK * BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < values.length; b += BLOCK) {
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < BLOCK; j++) {
                float v = values[b + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -16f;
            float id = d != 0f ? 1f / d : 0f;
            byte[] qs = new byte[BLOCK / 2];
            int qh = 0;
            for (int j = 0; j < BLOCK / 2; j++) {
                int lo = Math.min(31, (int) (byte) (int) (values[b + j] * id + 16.5f));
                int hi = Math.min(31, (int) (byte) (int) (values[b + BLOCK / 2 + j] * id + 16.5f));
                qs[j] = (byte) ((lo & 0x0f) | ((hi & 0x0f) << 4));
                qh |= ((lo & 0x10) >> 4) << j;
                qh |= ((hi & 0x10) >> 4) << (j + BLOCK / 2);
            }
            out.putShort(f16Bits(d)).putInt(qh).put(qs);
        }
        return out.array();
    }
}
