package dev.hearth.engine.tensor;

/** In-place softmax over {@code x[offset, offset + n)}: max subtracted, exponent sum in double (ggml's soft_max). */
public final class Softmax {

    private Softmax() {}

    public static void apply(float[] x, int offset, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[offset + i] - max);
            x[offset + i] = e;
            sum += e;
        }
        float inverse = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            x[offset + i] *= inverse;
        }
    }
}
