package dev.hearth.engine.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * Matrix × matrix on floats for the types whose products are defined as dequantized weights times
 * dequantized activations (Q8_0 and Q4_0, see {@link FloatTensor#panelKernels()}): a chunk of weight
 * rows is dequantized once into a float panel, then every activation row of the batch runs against
 * it with register-blocked kernels, four weight rows × four activation rows per pass, where the
 * packed kernels had to widen and scale the same bytes again for every few activation rows.
 *
 * <p>The arithmetic of one output is fixed: lane {@code l} of one accumulator takes
 * {@code fma(w[k], x[k], acc)} for {@code k = l, l + LANES, ...} in order, and the lanes are summed
 * by {@link Vectors#tree}. The one-row kernels of those types read the packed weights directly in
 * the same order, so a row's result is bitwise the same alone, in a tile or in a batch.
 */
final class Panel {

    private static final ThreadLocal<float[]> WEIGHTS = ThreadLocal.withInitial(() -> new float[0]);

    private Panel() {}

    /** This thread's panel buffer, at least {@code size} floats (its contents are left over). */
    static float[] weights(int size) {
        float[] panel = WEIGHTS.get();
        if (panel.length < size) {
            panel = new float[size];
            WEIGHTS.set(panel);
        }
        return panel;
    }

    /** One row of the panel, {@code w[wOffset, wOffset + cols)}, times {@code x}: the canonical order. */
    static float dot(float[] w, int wOffset, float[] x, int cols) {
        FloatVector acc = FloatVector.zero(Vectors.FLOATS);
        for (int k = 0; k < cols; k += Vectors.LANES) {
            acc = FloatVector.fromArray(Vectors.FLOATS, w, wOffset + k)
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, k), acc);
        }
        return Vectors.tree(acc);
    }

    /**
     * {@code out[base + t * outStride + r] = row r of w · xs[t]} for the {@code rows × cols} panel
     * {@code w} and {@code t < n}.
     */
    static void multiply(float[] w, int rows, int cols, float[][] xs, int n, float[] out, int base, int outStride) {
        int t = 0;
        for (; t + 4 <= n; t += 4) {
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                kernel4x4(w, r * cols, cols, xs[t], xs[t + 1], xs[t + 2], xs[t + 3], out, base + t * outStride + r,
                        outStride);
            }
            for (; r < rows; r++) {
                for (int i = 0; i < 4; i++) {
                    out[base + (t + i) * outStride + r] = dot(w, r * cols, xs[t + i], cols);
                }
            }
        }
        for (; t < n; t++) {
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                kernel4x1(w, r * cols, cols, xs[t], out, base + t * outStride + r);
            }
            for (; r < rows; r++) {
                out[base + t * outStride + r] = dot(w, r * cols, xs[t], cols);
            }
        }
    }

    /** Four panel rows from {@code w[row0]} times four activation rows: 16 accumulators, 8 loads per 16 FMAs. */
    private static void kernel4x4(float[] w, int row0, int cols, float[] x0, float[] x1, float[] x2, float[] x3,
            float[] out, int o, int outStride) {
        FloatVector a00 = FloatVector.zero(Vectors.FLOATS), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int w1 = row0 + cols, w2 = w1 + cols, w3 = w2 + cols;
        for (int k = 0; k < cols; k += Vectors.LANES) {
            FloatVector v0 = FloatVector.fromArray(Vectors.FLOATS, w, row0 + k);
            FloatVector v1 = FloatVector.fromArray(Vectors.FLOATS, w, w1 + k);
            FloatVector v2 = FloatVector.fromArray(Vectors.FLOATS, w, w2 + k);
            FloatVector v3 = FloatVector.fromArray(Vectors.FLOATS, w, w3 + k);
            FloatVector x = FloatVector.fromArray(Vectors.FLOATS, x0, k);
            a00 = v0.fma(x, a00);
            a01 = v1.fma(x, a01);
            a02 = v2.fma(x, a02);
            a03 = v3.fma(x, a03);
            x = FloatVector.fromArray(Vectors.FLOATS, x1, k);
            a10 = v0.fma(x, a10);
            a11 = v1.fma(x, a11);
            a12 = v2.fma(x, a12);
            a13 = v3.fma(x, a13);
            x = FloatVector.fromArray(Vectors.FLOATS, x2, k);
            a20 = v0.fma(x, a20);
            a21 = v1.fma(x, a21);
            a22 = v2.fma(x, a22);
            a23 = v3.fma(x, a23);
            x = FloatVector.fromArray(Vectors.FLOATS, x3, k);
            a30 = v0.fma(x, a30);
            a31 = v1.fma(x, a31);
            a32 = v2.fma(x, a32);
            a33 = v3.fma(x, a33);
        }
        float[] sums = SUMS.get();
        int l = Vectors.LANES;
        a00.intoArray(sums, 0);
        a01.intoArray(sums, l);
        a02.intoArray(sums, 2 * l);
        a03.intoArray(sums, 3 * l);
        a10.intoArray(sums, 4 * l);
        a11.intoArray(sums, 5 * l);
        a12.intoArray(sums, 6 * l);
        a13.intoArray(sums, 7 * l);
        a20.intoArray(sums, 8 * l);
        a21.intoArray(sums, 9 * l);
        a22.intoArray(sums, 10 * l);
        a23.intoArray(sums, 11 * l);
        a30.intoArray(sums, 12 * l);
        a31.intoArray(sums, 13 * l);
        a32.intoArray(sums, 14 * l);
        a33.intoArray(sums, 15 * l);
        reduce(sums, 0, out, o);
        reduce(sums, 4, out, o + outStride);
        reduce(sums, 8, out, o + 2 * outStride);
        reduce(sums, 12, out, o + 3 * outStride);
    }

    /** Four panel rows times one activation row. */
    private static void kernel4x1(float[] w, int row0, int cols, float[] x0, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(Vectors.FLOATS), a1 = a0, a2 = a0, a3 = a0;
        int w1 = row0 + cols, w2 = w1 + cols, w3 = w2 + cols;
        for (int k = 0; k < cols; k += Vectors.LANES) {
            FloatVector x = FloatVector.fromArray(Vectors.FLOATS, x0, k);
            a0 = FloatVector.fromArray(Vectors.FLOATS, w, row0 + k).fma(x, a0);
            a1 = FloatVector.fromArray(Vectors.FLOATS, w, w1 + k).fma(x, a1);
            a2 = FloatVector.fromArray(Vectors.FLOATS, w, w2 + k).fma(x, a2);
            a3 = FloatVector.fromArray(Vectors.FLOATS, w, w3 + k).fma(x, a3);
        }
        float[] sums = SUMS.get();
        int l = Vectors.LANES;
        a0.intoArray(sums, 0);
        a1.intoArray(sums, l);
        a2.intoArray(sums, 2 * l);
        a3.intoArray(sums, 3 * l);
        reduce(sums, 0, out, o);
    }

    /** Per-thread room for 16 spilled accumulators. */
    private static final ThreadLocal<float[]> SUMS = ThreadLocal.withInitial(() -> new float[16 * Vectors.LANES]);

    /**
     * Accumulators {@code first .. first + 3} of {@code sums} summed into {@code out[o..o+3]}. Kept out
     * of the kernels: with the reductions inlined, a 4×4 kernel exceeds C2's inlining budget and its
     * vector loads fall back to boxed objects.
     */
    private static void reduce(float[] sums, int first, float[] out, int o) {
        for (int i = 0; i < 4; i++) {
            out[o + i] = Vectors.tree(FloatVector.fromArray(Vectors.FLOATS, sums, (first + i) * Vectors.LANES));
        }
    }
}
