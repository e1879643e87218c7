package dev.hearth.engine.tensor;

/**
 * An input vector in the form a weight type's dot product consumes (llama.cpp's {@code vec_dot_type}):
 * plain floats for F32, floats already rounded to F16/BF16 for those types, and Q8_0 blocks for the
 * 8- and 4-bit types. Converting once per matrix×vector, exactly as llama.cpp does, is what lets the
 * engine match llama.cpp to ~1e-5 rather than to quantization noise.
 */
public sealed interface Activation {

    int length();

    /** Floats, possibly rounded to a narrower type. */
    record Floats(float[] values) implements Activation {
        @Override
        public int length() {
            return values.length;
        }
    }

    /**
     * Q8_0 blocks: {@code quants[i]} with scale {@code scales[i / 32]} (already rounded through fp16);
     * {@code quantsAsFloats} holds the same small integers as floats for the vectorized dot products.
     * As ggml's AVX2 {@code quantize_row_q8_0}: d = amax / 127, q = round-half-even(x * 127 / amax).
     */
    record Q8_0(byte[] quants, float[] quantsAsFloats, float[] scales) implements Activation {
        @Override
        public int length() {
            return quants.length;
        }

        public static Q8_0 quantize(float[] x, int n) {
            if (n % 32 != 0) {
                throw new IllegalArgumentException("Q8_0 activations need a multiple of 32 values, got " + n);
            }
            byte[] q = new byte[n];
            float[] scales = new float[n / 32];
            for (int b = 0; b < n / 32; b++) {
                float amax = 0f;
                for (int j = 0; j < 32; j++) {
                    amax = Math.max(amax, Math.abs(x[b * 32 + j]));
                }
                float d = amax / 127f;
                scales[b] = Float.float16ToFloat(Float.floatToFloat16(d));
                float id = amax != 0f ? 127f / amax : 0f;
                for (int j = 0; j < 32; j++) {
                    q[b * 32 + j] = (byte) Math.rint(x[b * 32 + j] * id);
                }
            }
            float[] asFloats = new float[n];
            for (int i = 0; i < n; i++) {
                asFloats[i] = q[i];
            }
            return new Q8_0(q, asFloats, scales);
        }
    }

    /**
     * Q8_K super-blocks of 256 for the K-quant dot products: {@code quants[i]} times {@code scales[i / 256]}
     * (a float, not fp16), and {@code sums16[k]} = sum of quants {@code 16k .. 16k+15}.
     * As ggml's {@code quantize_row_q8_K_ref}: scale = max / -127 with {@code max} the signed value of
     * largest magnitude, q = min(127, round-half-even(x * -127 / max)).
     */
    record Q8_K(byte[] quants, float[] quantsAsFloats, float[] scales, int[] sums16) implements Activation {
        @Override
        public int length() {
            return quants.length;
        }

        public static Q8_K quantize(float[] x, int n) {
            if (n % 256 != 0) {
                throw new IllegalArgumentException("Q8_K activations need a multiple of 256 values, got " + n);
            }
            byte[] q = new byte[n];
            float[] scales = new float[n / 256];
            int[] sums = new int[n / 16];
            for (int b = 0; b < n / 256; b++) {
                float amax = 0f;
                float max = 0f;
                for (int j = 0; j < 256; j++) {
                    float ax = Math.abs(x[b * 256 + j]);
                    if (ax > amax) {
                        amax = ax;
                        max = x[b * 256 + j];
                    }
                }
                if (amax == 0f) {
                    continue; // scale 0, quants 0
                }
                float iscale = -127f / max;
                for (int j = 0; j < 256; j++) {
                    int v = Math.min(127, (int) Math.rint(iscale * x[b * 256 + j]));
                    q[b * 256 + j] = (byte) v;
                    sums[(b * 256 + j) / 16] += v;
                }
                scales[b] = 1f / iscale;
            }
            float[] asFloats = new float[n];
            for (int i = 0; i < n; i++) {
                asFloats[i] = q[i];
            }
            return new Q8_K(q, asFloats, scales, sums);
        }
    }
}
