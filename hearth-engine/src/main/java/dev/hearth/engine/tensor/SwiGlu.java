package dev.hearth.engine.tensor;

/**
 * {@code gate[i] = silu(gate[i]) * up[i]} with {@code silu(x) = x / (1 + e^-x)}, the Llama feed-forward gate.
 * Scalar on purpose: the Vector API's lane-wise EXP may round differently once intrinsified than in its
 * fallback, and results must not depend on JIT state.
 */
public final class SwiGlu {

    private SwiGlu() {}

    public static void apply(float[] gate, float[] up, int n) {
        apply(gate, up, 0, n);
    }

    /** The same over {@code [offset, offset + n)} of both arrays. */
    public static void apply(float[] gate, float[] up, int offset, int n) {
        for (int i = offset; i < offset + n; i++) {
            gate[i] = silu(gate[i]) * up[i];
        }
    }

    static float silu(float x) {
        return x / (1f + (float) Math.exp(-x));
    }
}
