package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** IEEE half precision; encoding rounds to nearest even, as ggml's F16C path does. */
public final class F16Tensor extends FloatTensor {

    F16Tensor(MemorySegment data, long size) {
        super(data, size, GgmlType.F16);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public float get(long index) {
        return f16(data.getAtIndex(SHORT_LE, index));
    }

    static byte[] encode(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(f16Bits(v));
        }
        return b.array();
    }
}
