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
    boolean streams(int cols) {
        return Vectors.QUANTIZED_ENABLED;
    }

    @Override
    void dotRowStreams(Activation x, int r0, int n, int stride, int cols, float[] out, int base) {
        float[] values = ((Activation.Q8_0) x).values();
        long rowBytes = (long) cols / BLOCK * BLOCK_BYTES;
        for (int r = r0; r < r0 + n; r++) {
            vectorDot4(r * rowBytes, stride * rowBytes, values, cols, out, base + r, stride);
        }
    }

    /**
     * {@link #vectorDot} of the four rows from {@code rowStart}, {@code streamBytes} apart, at once,
     * into {@code out[at + s * stride]}: each row with its own two chains in the same order (so each
     * result is bitwise that method's), every input vector loaded once for the four.
     */
    private void vectorDot4(long rowStart, long streamBytes, float[] x, int cols, float[] out, int at, int stride) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0, e2 = e0, o2 = e0, e3 = e0, o3 = e0;
        MemorySegment row = data;
        long s1 = rowStart + streamBytes, s2 = s1 + streamBytes, s3 = s2 + streamBytes;
        int block = 0;
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            // BLOCK is two vector steps at 16 lanes, four at 8: the even ones at k / 2 + j / 2, the odd ones half after
            for (int j = 0; j < BLOCK; j += 2 * Vectors.LANES) {
                int xi = (k + j) / 2;
                FloatVector xe = FloatVector.fromArray(Vectors.FLOATS, x, xi);
                FloatVector xo = FloatVector.fromArray(Vectors.FLOATS, x, half + xi);
                FloatVector d = FloatVector.broadcast(Vectors.FLOATS, f16(row.get(SHORT_LE, rowStart + block)));
                e0 = Vectors.widened(row, rowStart + block + 2 + j).mul(d).fma(xe, e0);
                o0 = Vectors.widened(row, rowStart + block + 2 + j + Vectors.LANES).mul(d).fma(xo, o0);
                d = FloatVector.broadcast(Vectors.FLOATS, f16(row.get(SHORT_LE, s1 + block)));
                e1 = Vectors.widened(row, s1 + block + 2 + j).mul(d).fma(xe, e1);
                o1 = Vectors.widened(row, s1 + block + 2 + j + Vectors.LANES).mul(d).fma(xo, o1);
                d = FloatVector.broadcast(Vectors.FLOATS, f16(row.get(SHORT_LE, s2 + block)));
                e2 = Vectors.widened(row, s2 + block + 2 + j).mul(d).fma(xe, e2);
                o2 = Vectors.widened(row, s2 + block + 2 + j + Vectors.LANES).mul(d).fma(xo, o2);
                d = FloatVector.broadcast(Vectors.FLOATS, f16(row.get(SHORT_LE, s3 + block)));
                e3 = Vectors.widened(row, s3 + block + 2 + j).mul(d).fma(xe, e3);
                o3 = Vectors.widened(row, s3 + block + 2 + j + Vectors.LANES).mul(d).fma(xo, o3);
            }
        }
        out[at] = Vectors.tree(e0.add(o0));
        out[at + stride] = Vectors.tree(e1.add(o1));
        out[at + 2 * stride] = Vectors.tree(e2.add(o2));
        out[at + 3 * stride] = Vectors.tree(e3.add(o3));
    }

    /**
     * Two to four inputs at once ({@link FloatTensor#dotRowsTogether}): each vector step's weights
     * are widened and scaled once and multiplied into every input's two chains, in
     * {@link #vectorDot}'s order.
     */
    @Override
    boolean together(int n) {
        return true;
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

    /** {@link #vectorDot} for two inputs. */
    private void dot2(long rowStart, float[] x0, float[] x1, int cols, float[] out, int at, int stride) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0;
        MemorySegment row = data;
        int block = 0;
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(Vectors.FLOATS, f16(row.get(SHORT_LE, rowStart + block)));
            for (int j = 0; j < BLOCK; j += 2 * Vectors.LANES) {
                int a = (k + j) / 2, b = half + a;
                FloatVector we = Vectors.widened(row, rowStart + block + 2 + j).mul(d);
                FloatVector wo = Vectors.widened(row, rowStart + block + 2 + j + Vectors.LANES).mul(d);
                e0 = we.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a), e0);
                o0 = wo.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b), o0);
                e1 = we.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a), e1);
                o1 = wo.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b), o1);
            }
        }
        out[at] = Vectors.tree(e0.add(o0));
        out[at + stride] = Vectors.tree(e1.add(o1));
    }

    /** {@link #vectorDot} for four inputs, of which the first {@code n} are written. */
    private void dot4(long rowStart, float[] x0, float[] x1, float[] x2, float[] x3, int cols, float[] out, int at,
            int stride, int n) {
        int half = cols / 2;
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), o0 = e0, e1 = e0, o1 = e0, e2 = e0, o2 = e0, e3 = e0, o3 = e0;
        MemorySegment row = data;
        int block = 0;
        for (int k = 0; k < cols; k += BLOCK, block += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(Vectors.FLOATS, f16(row.get(SHORT_LE, rowStart + block)));
            for (int j = 0; j < BLOCK; j += 2 * Vectors.LANES) {
                int a = (k + j) / 2, b = half + a;
                FloatVector we = Vectors.widened(row, rowStart + block + 2 + j).mul(d);
                FloatVector wo = Vectors.widened(row, rowStart + block + 2 + j + Vectors.LANES).mul(d);
                e0 = we.fma(FloatVector.fromArray(Vectors.FLOATS, x0, a), e0);
                o0 = wo.fma(FloatVector.fromArray(Vectors.FLOATS, x0, b), o0);
                e1 = we.fma(FloatVector.fromArray(Vectors.FLOATS, x1, a), e1);
                o1 = wo.fma(FloatVector.fromArray(Vectors.FLOATS, x1, b), o1);
                e2 = we.fma(FloatVector.fromArray(Vectors.FLOATS, x2, a), e2);
                o2 = wo.fma(FloatVector.fromArray(Vectors.FLOATS, x2, b), o2);
                e3 = we.fma(FloatVector.fromArray(Vectors.FLOATS, x3, a), e3);
                o3 = wo.fma(FloatVector.fromArray(Vectors.FLOATS, x3, b), o3);
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
