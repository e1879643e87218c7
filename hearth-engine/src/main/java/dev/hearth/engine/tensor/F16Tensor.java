package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** IEEE half precision; encoding rounds to nearest even, as ggml's F16C path does. */
public final class F16Tensor extends FloatTensor {

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

    /** llama.cpp converts the input to this type first, so products are of two rounded values. */
    @Override
    public Activation prepare(float[] x, int n) {
        float[] rounded = new float[n];
        for (int i = 0; i < n; i++) {
            rounded[i] = f16(f16Bits(x[i]));
        }
        return new Activation.Floats(rounded);
    }

    @Override
    public float dot(long offset, Activation x) {
        return dot(offset, ((Activation.Floats) x).values(), 0, x.length());
    }

    static byte[] encode(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(f16Bits(v));
        }
        return b.array();
    }
}
