package dev.hearth.engine.tensor;

/**
 * {@code gate[i] = gelu(gate[i]) * up[i]}, Gemma's feed-forward gate, with GELU's tanh form as ggml's
 * CPU backend computes it: the input rounded to fp16 and looked up in a table of every fp16 value's
 * GELU, itself rounded to fp16 (ggml's {@code GGML_GELU_FP16}); below -10 the result is 0, from 10 up
 * the input itself. The same bits as llama.cpp's, not just close to them: a different rounding here
 * would move every activation of every layer.
 */
public final class GeGlu {

    private static final float SQRT_2_OVER_PI = 0.79788456080286535587989211986876f;
    private static final float COEF_A = 0.044715f;
    /** GELU of each fp16 value (by its bits), rounded to fp16. */
    private static final float[] TABLE = new float[1 << 16];

    static {
        for (int bits = 0; bits < TABLE.length; bits++) {
            float x = Float.float16ToFloat((short) bits);
            TABLE[bits] = Float.float16ToFloat(Float.floatToFloat16(gelu(x)));
        }
    }

    private GeGlu() {}

    /** Over {@code [offset, offset + n)} of both arrays. */
    public static void apply(float[] gate, float[] up, int offset, int n) {
        for (int i = offset, end = offset + n; i < end; i++) {
            gate[i] = lookup(gate[i]) * up[i];
        }
    }

    /** ggml's GELU of {@code x}: by the fp16 table between -10 and 10. */
    static float lookup(float x) {
        if (x <= -10f) {
            return 0f;
        }
        if (x >= 10f) {
            return x;
        }
        return TABLE[Float.floatToFloat16(x) & 0xffff];
    }

    /** GELU's tanh form in float, as ggml writes it. */
    static float gelu(float x) {
        return 0.5f * x * (1.0f + (float) Math.tanh(SQRT_2_OVER_PI * x * (1.0f + COEF_A * x * x)));
    }
}
