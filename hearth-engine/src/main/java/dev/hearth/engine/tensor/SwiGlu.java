package dev.hearth.engine.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * {@code gate[i] = silu(gate[i]) * up[i]} with {@code silu(x) = x / (1 + e^-x)}, the Llama feed-forward gate.
 * The exponential is {@link Exp}'s, whose vector and scalar forms give the same bits (the Vector API's
 * lane-wise EXP may round differently once intrinsified than in its fallback, and results must not
 * depend on JIT state), so a value's result does not depend on where it falls in a vector.
 */
public final class SwiGlu {

    private SwiGlu() {}

    public static void apply(float[] gate, float[] up, int n) {
        apply(gate, up, 0, n);
    }

    /** The same over {@code [offset, offset + n)} of both arrays. */
    public static void apply(float[] gate, float[] up, int offset, int n) {
        int i = offset;
        int end = offset + n;
        for (; i + Vectors.LANES <= end; i += Vectors.LANES) {
            FloatVector g = FloatVector.fromArray(Vectors.FLOATS, gate, i);
            g.div(Exp.exp(gate, i, -1f, 0f).add(1f)).mul(FloatVector.fromArray(Vectors.FLOATS, up, i))
                    .intoArray(gate, i);
        }
        for (; i < end; i++) {
            gate[i] = silu(gate[i]) * up[i];
        }
    }

    static float silu(float x) {
        return x / (Exp.exp(x, -1f, 0f) + 1f);
    }
}
