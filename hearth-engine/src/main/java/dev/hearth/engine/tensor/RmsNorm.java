package dev.hearth.engine.tensor;

/**
 * {@code out = x / sqrt(mean(x²) + eps) * weight}, with the sum of squares in double and the
 * scale in float, as ggml's {@code rms_norm} then {@code mul} compute it.
 */
public final class RmsNorm {

    private RmsNorm() {}

    public static void apply(float[] out, int outOffset, float[] x, int xOffset, float[] weight, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOffset + i];
            sum += v * v;
        }
        float scale = 1.0f / (float) Math.sqrt((float) (sum / n) + eps);
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = (x[xOffset + i] * scale) * weight[i];
        }
    }

    public static void apply(float[] out, float[] x, float[] weight, float eps) {
        apply(out, 0, x, 0, weight, x.length, eps);
    }
}
