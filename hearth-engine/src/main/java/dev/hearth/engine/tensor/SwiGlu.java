package dev.hearth.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@code gate[i] = silu(gate[i]) * up[i]} with {@code silu(x) = x / (1 + e^-x)}, the Llama feed-forward gate. */
public final class SwiGlu {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private SwiGlu() {}

    public static void apply(float[] gate, float[] up, int n) {
        int i = 0;
        int upper = SPECIES.loopBound(n);
        for (; i < upper; i += SPECIES.length()) {
            FloatVector g = FloatVector.fromArray(SPECIES, gate, i);
            FloatVector silu = g.div(g.neg().lanewise(VectorOperators.EXP).add(1f));
            silu.mul(FloatVector.fromArray(SPECIES, up, i)).intoArray(gate, i);
        }
        for (; i < n; i++) {
            gate[i] = silu(gate[i]) * up[i];
        }
    }

    static float silu(float x) {
        return x / (1f + (float) Math.exp(-x));
    }
}
