package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** 32-bit floats, little-endian. */
public final class F32Tensor extends FloatTensor {

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

    static byte[] encode(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }
}
