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

/** IEEE half precision; encoding rounds to nearest even, as ggml's F16C path does. */
public final class F16Tensor extends FloatTypeTensor {

    private static final float[] HALF_TO_FLOAT = new float[1 << 16];

    static {
        for (int h = 0; h < HALF_TO_FLOAT.length; h++) {
            HALF_TO_FLOAT[h] = f16((short) h);
        }
    }

    F16Tensor(MemorySegment data, long size) {
        super(data, size, GgmlType.F16);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public float get(long index) {
        return HALF_TO_FLOAT[data.getAtIndex(SHORT_LE, index) & 0xffff];
    }

    @Override
    public Activation.Kind activationKind() {
        return Activation.Kind.F16;
    }

    @Override
    public float dot(long offset, Activation x) {
        return dot(offset, ((Activation.Floats) x).values(), 0, x.length());
    }

    private static final VectorSpecies<Integer> INTS = Vectors.FLOATS.withLanes(int.class);

    /**
     * Vector API: halves widened to ints and rebuilt as float bits -- exponent and mantissa shifted
     * into place and scaled by 2^112 (exact, and right for subnormals too), infinities and NaNs
     * patched, sign restored -- then fused multiply-add with the (already F16-rounded) input.
     */
    @Override
    public float dot(long offset, float[] x, int xOffset, int n) {
        int i = 0;
        float sum = 0f;
        if (Vectors.QUANTIZED_ENABLED && n >= Vectors.LANES) {
            FloatVector acc = FloatVector.zero(Vectors.FLOATS);
            int upper = Vectors.FLOATS.loopBound(n);
            for (; i < upper; i += Vectors.LANES) {
                acc = halves(data, (offset + i) * 2).fma(FloatVector.fromArray(Vectors.FLOATS, x, xOffset + i), acc);
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
            FloatVector w = halves(data, (offset + i) * 2);
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

    /**
     * {@code LANES} halves at {@code byteOffset} of {@code data} as floats, exactly: widened with
     * their sign and shifted left by 13, sign, exponent and mantissa sit where a float's do (the mask
     * clears the sign copies between them), and multiplying by 2^112 rebiases the exponent (exact,
     * subnormals included); infinities and NaNs get the all-ones exponent instead. Seven vector
     * operations, where masking the magnitude and putting the sign back separately took ten; loads
     * and converts in one method with no vector parameters, its conversions naming their species
     * (see {@link Vectors}).
     */
    static FloatVector halves(MemorySegment data, long byteOffset) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(Vectors.SHORTS, data, byteOffset, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.S2I, INTS, 0);
        IntVector bits = h.lanewise(VectorOperators.LSHL, 13).and(0x8fffe000);
        IntVector f = (IntVector) ((FloatVector) bits.convertShape(VectorOperators.REINTERPRET_I2F, Vectors.FLOATS, 0))
                .mul(0x1p112f).convertShape(VectorOperators.REINTERPRET_F2I, INTS, 0);
        var infOrNan = h.and(0x7c00).compare(VectorOperators.EQ, 0x7c00);
        return (FloatVector) f.blend(bits.or(0x7f800000), infOrNan)
                .convertShape(VectorOperators.REINTERPRET_I2F, Vectors.FLOATS, 0);
    }

    /** Rows {@code [r0, r1)} as floats, in natural order. */
    @Override
    void dequantizeRows(int r0, int r1, int cols, float[] panel) {
        for (int r = r0; r < r1; r++) {
            long row = (long) r * cols * 2;
            int at = (r - r0) * cols;
            for (int k = 0; k < cols; k += Vectors.LANES) {
                halves(data, row + k * 2L).intoArray(panel, at + k);
            }
        }
    }

    static byte[] encode(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(f16Bits(v));
        }
        return b.array();
    }
}
