package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * Q8_0: blocks of 32 values, each block a half-precision scale {@code d} followed by 32 signed
 * bytes {@code q}; value = {@code d * q} ({@code block_q8_0} in ggml-common.h).
 */
public final class Q8_0Tensor extends FloatTensor {

    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;

    Q8_0Tensor(MemorySegment data, long size) {
        super(data, size, GgmlType.Q8_0);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public float get(long index) {
        long block = (index / BLOCK) * BLOCK_BYTES;
        float d = f16(data.get(SHORT_LE, block));
        return d * data.get(ValueLayout.JAVA_BYTE, block + 2 + index % BLOCK);
    }

    @Override
    public Activation.Kind activationKind() {
        return Activation.Kind.Q8_0;
    }

    /**
     * With vectors: the dequantized weights ({@code q * d}) times the dequantized input, in
     * {@link Panel}'s order. Scalar: ggml_vec_dot_q8_0_q8_0, per block the integer dot of the quants
     * times both scales. The two agree to float rounding (~1e-7 relative).
     */
    @Override
    public float dot(long offset, Activation x) {
        Activation.Q8_0 a = (Activation.Q8_0) x;
        if (offset % BLOCK != 0) {
            throw new IllegalArgumentException("Q8_0 rows must start on a block boundary: " + offset);
        }
        if (Vectors.QUANTIZED_ENABLED) {
            return vectorDot(offset / BLOCK * BLOCK_BYTES, a.values(), a.length());
        }
        byte[] q = a.quants();
        float sum = 0f;
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int b = 0; b < q.length / BLOCK; b++, block += BLOCK_BYTES) {
            float d = f16(data.get(SHORT_LE, block));
            int isum = 0;
            for (int j = 0; j < BLOCK; j++) {
                isum += data.get(ValueLayout.JAVA_BYTE, block + 2 + j) * q[b * BLOCK + j];
            }
            sum += isum * (d * a.scales()[b]);
        }
        return sum;
    }

    /**
     * Two chains, even and odd vector steps, as {@link Panel#dot}, over the packed row in its natural
     * order and the split input: one chain alone is bound by FMA latency, not by memory.
     */
    private float vectorDot(long rowStart, float[] x, int cols) {
        int half = cols / 2;
        FloatVector even = FloatVector.zero(Vectors.FLOATS), odd = even;
        // the loop counts in ints from the row's start: C2 optimises int-indexed loops better
        MemorySegment row = data;
        int block = 0;
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(Vectors.FLOATS, f16(row.get(SHORT_LE, rowStart + block)));
            for (int j = 0; j < BLOCK; j += 2 * Vectors.LANES) {
                int at = (k + j) / 2; // the even step k + j lands at (k + j) / 2, the odd one after it at half + that
                even = Vectors.widened(row, rowStart + block + 2 + j).mul(d)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, at), even);
                odd = Vectors.widened(row, rowStart + block + 2 + j + Vectors.LANES).mul(d)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + at), odd);
            }
        }
        return Vectors.tree(even.add(odd));
    }

    @Override
    boolean panelKernels(int cols) {
        return Vectors.QUANTIZED_ENABLED;
    }

    @Override
    float[] panelInput(Activation x) {
        return ((Activation.Q8_0) x).values();
    }

    /** {@code q * d} per element, computed as {@link #vectorDot} computes it, each row in {@link Panel}'s split order. */
    @Override
    void dequantizeRows(int r0, int r1, int cols, float[] panel) {
        long block = (long) r0 * (cols / BLOCK) * BLOCK_BYTES;
        int half = cols / 2;
        for (int r = 0; r < r1 - r0; r++) {
            int row = r * cols;
            for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
                FloatVector d = FloatVector.broadcast(Vectors.FLOATS, f16(data.get(SHORT_LE, block)));
                for (int j = 0; j < BLOCK; j += Vectors.LANES) {
                    Vectors.widened(data, block + 2 + j).mul(d)
                            .intoArray(panel, row + Panel.split(k + j, half));
                }
            }
        }
    }

    /** quantize_row_q8_0_ref: d = amax / 127, q = round-half-away-from-zero(x / d). */
    static byte[] quantize(float[] values) {
        requireMultiple(values, BLOCK, GgmlType.Q8_0);
        ByteBuffer out = ByteBuffer.allocate(values.length / BLOCK * BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < values.length; b += BLOCK) {
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) {
                amax = Math.max(amax, Math.abs(values[b + j]));
            }
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            out.putShort(f16Bits(d));
            for (int j = 0; j < BLOCK; j++) {
                out.put((byte) roundHalfAwayFromZero(values[b + j] * id));
            }
        }
        return out.array();
    }

    /** C's roundf. */
    static int roundHalfAwayFromZero(float v) {
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }
}
