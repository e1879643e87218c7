package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** 32-bit floats, little-endian. */
public final class F32Tensor extends FloatTypeTensor {

    F32Tensor(MemorySegment data, long size) {
        super(data, size, GgmlType.F32);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public float get(long index) {
        return data.getAtIndex(FLOAT_LE, index);
    }

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    @Override
    public Activation.Kind activationKind() {
        return Activation.Kind.FLOATS;
    }

    @Override
    public float dot(long offset, Activation x) {
        return dot(offset, ((Activation.Floats) x).values(), 0, x.length());
    }

    /** Vector API: lane-wise fused multiply-add over the mapped floats, then one reduction. */
    @Override
    public float dot(long offset, float[] x, int xOffset, int n) {
        int i = 0;
        float sum = 0f;
        if (n >= SPECIES.length()) {
            FloatVector acc = FloatVector.zero(SPECIES);
            int upper = SPECIES.loopBound(n);
            for (; i < upper; i += SPECIES.length()) {
                FloatVector w = FloatVector.fromMemorySegment(SPECIES, data, (offset + i) * 4, ByteOrder.LITTLE_ENDIAN);
                acc = w.fma(FloatVector.fromArray(SPECIES, x, xOffset + i), acc);
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
        if (!(cols >= Vectors.LANES)) {
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
            FloatVector w = FloatVector.fromMemorySegment(Vectors.FLOATS, data, (offset + i) * 4, ByteOrder.LITTLE_ENDIAN);
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
            long row = (long) r * cols * 4;
            int at = (r - r0) * cols;
            for (int k = 0; k < cols; k += Vectors.LANES) {
                FloatVector.fromMemorySegment(Vectors.FLOATS, data, row + k * 4L, ByteOrder.LITTLE_ENDIAN).intoArray(panel, at + k);
            }
        }
    }

    static byte[] encode(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }
}
