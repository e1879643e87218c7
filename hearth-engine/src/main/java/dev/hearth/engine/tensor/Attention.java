package dev.hearth.engine.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * Causal grouped-query attention of one token over an F32 KV cache laid out position-major
 * ({@code cache[t * kvDim + kvHead * headSize + i]}): for each query head, scaled dot products with
 * every cached key of its KV head, softmax, weighted sum of the values. Heads run in parallel
 * once the work is large; dot products use the Vector API with lanes summed in a fixed order, so
 * the result never depends on the thread count or JIT state.
 */
public final class Attention {

    private Attention() {}

    /**
     * @param q the query heads, {@code heads * headSize} values
     * @param scores scratch of at least {@code heads * (position + 1)} floats
     * @param out receives {@code heads * headSize} values
     */
    public static void apply(float[] q, float[] keys, float[] values, int position, int heads, int kvHeads,
            int headSize, float scale, float[] scores, float[] out) {
        apply(q, 0, keys, values, position, heads, kvHeads, headSize, scale, scores, out, 0);
    }

    /** As {@link #apply(float[], float[], float[], int, int, int, int, float, float[], float[])}, with the query and output at offsets (rows of a batch). */
    public static void apply(float[] q, int qBase, float[] keys, float[] values, int position, int heads, int kvHeads,
            int headSize, float scale, float[] scores, float[] out, int outBase) {
        int length = position + 1;
        int group = heads / kvHeads;
        int kvDim = kvHeads * headSize;
        if ((long) heads * length * headSize < FloatTensor.PARALLEL_THRESHOLD) {
            for (int h = 0; h < heads; h++) {
                head(q, qBase, keys, values, length, h, h / group, headSize, kvDim, scale, scores, out, outBase);
            }
        } else {
            Parallel.forEach(heads, h -> head(q, qBase, keys, values, length, h, h / group, headSize, kvDim, scale, scores, out,
                            outBase));
        }
    }

    /** As {@link #apply(float[], int, float[], float[], int, int, int, int, float, float[], float[], int)}, heads one after the other on the calling thread. */
    public static void applySerial(float[] q, int qBase, float[] keys, float[] values, int position, int heads,
            int kvHeads, int headSize, float scale, float[] scores, float[] out, int outBase) {
        int length = position + 1;
        int group = heads / kvHeads;
        int kvDim = kvHeads * headSize;
        for (int h = 0; h < heads; h++) {
            head(q, qBase, keys, values, length, h, h / group, headSize, kvDim, scale, scores, out, outBase);
        }
    }

    private static void head(float[] q, int qBase, float[] keys, float[] values, int length, int h, int kvHead,
            int headSize, int kvDim, float scale, float[] scores, float[] out, int outBase) {
        int qOffset = qBase + h * headSize;
        int oOffset = outBase + h * headSize;
        int sOffset = h * length;
        for (int t = 0; t < length; t++) {
            scores[sOffset + t] = dot(q, qOffset, keys, t * kvDim + kvHead * headSize, headSize) * scale;
        }
        Softmax.apply(scores, sOffset, length);
        java.util.Arrays.fill(out, oOffset, oOffset + headSize, 0f);
        for (int t = 0; t < length; t++) {
            axpy(scores[sOffset + t], values, t * kvDim + kvHead * headSize, out, oOffset, headSize);
        }
    }

    static float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
        int i = 0;
        float sum = 0f;
        if (n >= Vectors.LANES) {
            FloatVector acc = FloatVector.zero(Vectors.FLOATS);
            int upper = Vectors.FLOATS.loopBound(n);
            for (; i < upper; i += Vectors.LANES) {
                acc = FloatVector.fromArray(Vectors.FLOATS, a, aOffset + i)
                        .fma(FloatVector.fromArray(Vectors.FLOATS, b, bOffset + i), acc);
            }
            sum = Vectors.tree(acc);
        }
        for (; i < n; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    /** {@code y += w * x}, lane by lane (no reduction, so exact per element in any width). */
    static void axpy(float w, float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        int upper = Vectors.FLOATS.loopBound(n);
        FloatVector weight = FloatVector.broadcast(Vectors.FLOATS, w);
        for (; i < upper; i += Vectors.LANES) {
            FloatVector.fromArray(Vectors.FLOATS, x, xOffset + i)
                    .fma(weight, FloatVector.fromArray(Vectors.FLOATS, y, yOffset + i))
                    .intoArray(y, yOffset + i);
        }
        for (; i < n; i++) {
            y[yOffset + i] = Math.fma(w, x[xOffset + i], y[yOffset + i]);
        }
    }
}
