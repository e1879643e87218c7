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
public final class BF16Tensor extends FloatTensor {

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
                FloatVector w = ((IntVector) ShortVector
                        .fromMemorySegment(Vectors.SHORTS, data, (offset + i) * 2, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.S2I, INTS, 0))
                        .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                acc = w.fma(FloatVector.fromArray(Vectors.FLOATS, x, xOffset + i), acc);
            }
            sum = Vectors.sum(acc);
        }
        for (; i < n; i++) {
            sum += get(offset + i) * x[xOffset + i];
        }
        return sum;
    }

    static byte[] encode(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(bf16Bits(v));
        }
        return b.array();
    }
}
