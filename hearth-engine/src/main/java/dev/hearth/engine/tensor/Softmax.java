package dev.hearth.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * In-place softmax over {@code x[offset, offset + n)}: max subtracted, exponent sum in double, in
 * order (ggml's soft_max); exponentials from {@link Exp}, the same bits in vectors and alone.
 */
public final class Softmax {

    private Softmax() {}

    public static void apply(float[] x, int offset, int n) {
        int end = offset + n;
        int i = offset;
        FloatVector maxes = FloatVector.broadcast(Vectors.FLOATS, Float.NEGATIVE_INFINITY);
        for (; i + Vectors.LANES <= end; i += Vectors.LANES) {
            maxes = maxes.max(FloatVector.fromArray(Vectors.FLOATS, x, i));
        }
        float max = maxes.reduceLanes(VectorOperators.MAX); // a maximum is the same in any order
        for (; i < end; i++) {
            max = Math.max(max, x[i]);
        }
        i = offset;
        for (; i + Vectors.LANES <= end; i += Vectors.LANES) {
            Exp.exp(x, i, 1f, -max).intoArray(x, i);
        }
        for (; i < end; i++) {
            x[i] = Exp.exp(x[i], 1f, -max);
        }
        double sum = 0;
        for (int k = offset; k < end; k++) {
            sum += x[k];
        }
        float inverse = (float) (1.0 / sum);
        for (int k = offset; k < end; k++) {
            x[k] *= inverse;
        }
    }
}
