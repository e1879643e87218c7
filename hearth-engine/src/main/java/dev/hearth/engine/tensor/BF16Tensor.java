package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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

    /** llama.cpp converts the input to this type first, so products are of two rounded values. */
    @Override
    public Activation prepare(float[] x, int n) {
        float[] rounded = new float[n];
        for (int i = 0; i < n; i++) {
            rounded[i] = Float.intBitsToFloat(bf16Bits(x[i]) << 16);
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
            b.putShort(bf16Bits(v));
        }
        return b.array();
    }
}
