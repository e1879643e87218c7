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
        weightedSum(scores, sOffset, length, values, kvHead * headSize, kvDim, out, oOffset, headSize);
    }

    /**
     * {@code out[oOffset + i] = Σ_t scores[sOffset + t] · values[t * kvDim + vOffset + i]} for {@code i <
     * headSize}, each sum an FMA chain from zero in increasing {@code t}, lane by lane (so exact per element in any
     * width), with the row held in registers, four vectors at a time, not loaded and stored at every
     * position.
     */
    static void weightedSum(float[] scores, int sOffset, int length, float[] values, int vOffset, int kvDim,
            float[] out, int oOffset, int headSize) {
        int l = Vectors.LANES;
        int i = 0;
        for (; i + 4 * l <= headSize; i += 4 * l) {
            FloatVector a0 = FloatVector.zero(Vectors.FLOATS), a1 = a0, a2 = a0, a3 = a0;
            for (int t = 0, v = vOffset + i; t < length; t++, v += kvDim) {
                FloatVector w = FloatVector.broadcast(Vectors.FLOATS, scores[sOffset + t]);
                a0 = FloatVector.fromArray(Vectors.FLOATS, values, v).fma(w, a0);
                a1 = FloatVector.fromArray(Vectors.FLOATS, values, v + l).fma(w, a1);
                a2 = FloatVector.fromArray(Vectors.FLOATS, values, v + 2 * l).fma(w, a2);
                a3 = FloatVector.fromArray(Vectors.FLOATS, values, v + 3 * l).fma(w, a3);
            }
            a0.intoArray(out, oOffset + i);
            a1.intoArray(out, oOffset + i + l);
            a2.intoArray(out, oOffset + i + 2 * l);
            a3.intoArray(out, oOffset + i + 3 * l);
        }
        for (; i + l <= headSize; i += l) {
            FloatVector a = FloatVector.zero(Vectors.FLOATS);
            for (int t = 0, v = vOffset + i; t < length; t++, v += kvDim) {
                a = FloatVector.fromArray(Vectors.FLOATS, values, v).fma(FloatVector.broadcast(Vectors.FLOATS, scores[sOffset + t]), a);
            }
            a.intoArray(out, oOffset + i);
        }
        for (; i < headSize; i++) {
            float a = 0f;
            for (int t = 0, v = vOffset + i; t < length; t++, v += kvDim) {
                a = Math.fma(scores[sOffset + t], values[v], a);
            }
            out[oOffset + i] = a;
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
}
