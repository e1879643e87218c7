package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** bfloat16: the top 16 bits of a float32. */
public final class BF16Tensor extends FloatTypeTensor {

    BF16Tensor(MemorySegment data, long size) {
        super(data, size, GgmlType.BF16);
    }

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    @Override
    public float get(long index) {
        return Float.intBitsToFloat(data.getAtIndex(SHORT_LE, index) << 16);
    }

    /** ggml_compute_fp32_to_bf16: round to nearest even, NaNs kept quiet. */
    static short bf16Bits(float value) {
        int u = Float.floatToRawIntBits(value);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    @Override
    public Activation.Kind activationKind() {
        return Activation.Kind.BF16;
    }

    @Override
    public float dot(long offset, Activation x) {
        return dot(offset, ((Activation.Floats) x).values(), 0, x.length());
    }

    private static final VectorSpecies<Integer> INTS = Vectors.FLOATS.withLanes(int.class);

    /** Vector API: bfloat16 is the top half of a float, so widen, shift and reinterpret. */
    @Override
    public float dot(long offset, float[] x, int xOffset, int n) {
        int i = 0;
        float sum = 0f;
        if (Vectors.QUANTIZED_ENABLED && n >= Vectors.LANES) {
            FloatVector acc = FloatVector.zero(Vectors.FLOATS);
            int upper = Vectors.FLOATS.loopBound(n);
            for (; i < upper; i += Vectors.LANES) {
                FloatVector w = values(data, (offset + i) * 2);
                acc = w.fma(FloatVector.fromArray(Vectors.FLOATS, x, xOffset + i), acc);
            }
            sum = Vectors.sum(acc);
        }
        for (; i < n; i++) {
            sum += get(offset + i) * x[xOffset + i];
        }
        return sum;
    }

    /** Four activation rows per pass over a weight row, each accumulated exactly as {@link #dot(long, float[], int, int)} does. */
    @Override
    void dotTile(int row, int cols, Activation[] xs, int t, float[] out, int outIndex, int outStride) {
        if (!(Vectors.QUANTIZED_ENABLED && cols >= Vectors.LANES)) {
            super.dotTile(row, cols, xs, t, out, outIndex, outStride);
            return;
        }
        float[] x0 = ((Activation.Floats) xs[t + 0]).values();
        float[] x1 = ((Activation.Floats) xs[t + 1]).values();
        float[] x2 = ((Activation.Floats) xs[t + 2]).values();
        float[] x3 = ((Activation.Floats) xs[t + 3]).values();
        long offset = (long) row * cols;
        FloatVector acc0 = FloatVector.zero(Vectors.FLOATS), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        int upper = Vectors.FLOATS.loopBound(cols);
        int i = 0;
        for (; i < upper; i += Vectors.LANES) {
            FloatVector w = values(data, (offset + i) * 2);
            acc0 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x0, i), acc0);
            acc1 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x1, i), acc1);
            acc2 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x2, i), acc2);
            acc3 = w.fma(FloatVector.fromArray(Vectors.FLOATS, x3, i), acc3);
        }
        float sum0 = Vectors.sum(acc0);
        float sum1 = Vectors.sum(acc1);
        float sum2 = Vectors.sum(acc2);
        float sum3 = Vectors.sum(acc3);
        for (; i < cols; i++) {
            float w = get(offset + i);
            sum0 += w * x0[i];
            sum1 += w * x1[i];
            sum2 += w * x2[i];
            sum3 += w * x3[i];
        }
        out[outIndex + 0 * outStride] = sum0;
        out[outIndex + 1 * outStride] = sum1;
        out[outIndex + 2 * outStride] = sum2;
        out[outIndex + 3 * outStride] = sum3;
    }

    /** Rows {@code [r0, r1)} as floats, in natural order. */
    @Override
    void dequantizeRows(int r0, int r1, int cols, float[] panel) {
        for (int r = r0; r < r1; r++) {
            long row = (long) r * cols * 2;
            int at = (r - r0) * cols;
            for (int k = 0; k < cols; k += Vectors.LANES) {
                values(data, row + k * 2L).intoArray(panel, at + k);
            }
        }
    }

    /**
     * {@code LANES} bfloat16 values at {@code byteOffset} of {@code data} as floats (each the top
     * half of a float): loads and converts in one method with no vector parameters, its conversions
     * naming their species (see {@link Vectors}).
     */
    private static FloatVector values(MemorySegment data, long byteOffset) {
        return (FloatVector) ((IntVector) ShortVector.fromMemorySegment(Vectors.SHORTS, data, byteOffset, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.S2I, INTS, 0))
                .lanewise(VectorOperators.LSHL, 16)
                .convertShape(VectorOperators.REINTERPRET_I2F, Vectors.FLOATS, 0);
    }

    static byte[] encode(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(bf16Bits(v));
        }
        return b.array();
    }
}
