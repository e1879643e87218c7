package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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

    static byte[] encode(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }
}
