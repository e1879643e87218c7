package dev.hearth.engine.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * Matrix × matrix on floats for the types whose products are defined as dequantized weights times
 * dequantized activations (Q8_0, Q4_0 and the K-quants; the float types through
 * {@link #multiplyNatural}; see {@link FloatTensor#panelKernels}): a chunk of weight rows is
 * dequantized once into a float panel, then every activation row of the batch runs against it with
 * register-blocked kernels, four weight rows × six activation rows per pass (× four on
 * 8-lane machines and for the rest of a batch), where the packed
 * kernels had to widen and scale the same bytes again for every few activation rows.
 *
 * <p>The arithmetic of one output is fixed. The vector steps of a row ({@code LANES} values each)
 * alternate between two FMA chains, even and odd, and {@link Vectors#tree} sums the lanes of their
 * sum. Two chains because a single one is bound by FMA latency, below the memory bandwidth a
 * decode step can use. Dequantized inputs and panel rows are stored <em>split</em> ({@link #split}):
 * the even steps in the first half of the row, the odd steps in the second, so that each chain
 * reads contiguous floats and the 4×4 kernel runs the two chains as two passes over halves. The
 * one-row kernels of those types read the packed weights in their natural order and the split
 * input, so a row's result is bitwise the same alone, in a tile or in a batch.
 */
final class Panel {

    private static final ThreadLocal<float[]> WEIGHTS = ThreadLocal.withInitial(() -> new float[0]);

    private Panel() {}

    /** Whether {@link #kernel4x6} takes activation rows six at a time (with 16 lanes, see there). */
    private static final boolean SIX = Vectors.LANES == 16;

    /** This thread's panel buffer, at least {@code size} floats (its contents are left over). */
    static float[] weights(int size) {
        float[] panel = WEIGHTS.get();
        if (panel.length < size) {
            panel = new float[size];
            WEIGHTS.set(panel);
        }
        return panel;
    }

    /**
     * Where the vector step starting at natural index {@code k} (a multiple of {@code LANES}) of a
     * row of {@code 2 * half} values lies in the split layout: even steps packed from 0, odd ones
     * from {@code half}.
     */
    static int split(int k, int half) {
        int step = k / Vectors.LANES;
        return (step >> 1) * Vectors.LANES + (step & 1) * half;
    }

    /** One split row of the panel, {@code w[wOffset, wOffset + cols)}, times the split {@code x}: the canonical order. */
    static float dot(float[] w, int wOffset, float[] x, int cols) {
        int half = cols / 2;
        FloatVector even = FloatVector.zero(Vectors.FLOATS), odd = even;
        for (int k = 0; k < half; k += Vectors.LANES) {
            even = FloatVector.fromArray(Vectors.FLOATS, w, wOffset + k)
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, k), even);
            odd = FloatVector.fromArray(Vectors.FLOATS, w, wOffset + half + k)
                    .fma(FloatVector.fromArray(Vectors.FLOATS, x, half + k), odd);
        }
        return Vectors.tree(even.add(odd));
    }

    /**
     * {@code out[base + t * outStride + r] = row r of w · xs[t]} for the {@code rows × cols} split
     * panel {@code w} and split inputs {@code xs[t]}, {@code t < n}; {@code cols} is a multiple of
     * {@code 2 * LANES}.
     */
    static void multiply(float[] w, int rows, int cols, float[][] xs, int n, float[] out, int base, int outStride) {
        float[] sums = SUMS.get();
        int half = cols / 2;
        int t = 0;
        for (; SIX && t + 6 <= n; t += 6) {
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                kernel4x6(w, r * cols, cols, xs, t, 0, half, sums, 0);
                kernel4x6(w, r * cols, cols, xs, t, half, cols, sums, 24 * Vectors.LANES);
                for (int i = 0; i < 6; i++) {
                    reduce(sums, 4 * i, 24 + 4 * i, out, base + (t + i) * outStride + r);
                }
            }
            for (; r < rows; r++) {
                for (int i = 0; i < 6; i++) {
                    out[base + (t + i) * outStride + r] = dot(w, r * cols, xs[t + i], cols);
                }
            }
        }
        for (; t + 4 <= n; t += 4) {
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                kernel4x4(w, r * cols, cols, xs[t], xs[t + 1], xs[t + 2], xs[t + 3], 0, half, sums, 0);
                kernel4x4(w, r * cols, cols, xs[t], xs[t + 1], xs[t + 2], xs[t + 3], half, cols, sums,
                        16 * Vectors.LANES);
                for (int i = 0; i < 4; i++) {
                    reduce(sums, 4 * i, 16 + 4 * i, out, base + (t + i) * outStride + r);
                }
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
                kernel4x1(w, r * cols, cols, xs[t], sums);
                reduce(sums, 0, 4, out, base + t * outStride + r);
            }
            for (; r < rows; r++) {
                out[base + t * outStride + r] = dot(w, r * cols, xs[t], cols);
            }
        }
    }

    /**
     * {@link #multiply} for the float types, whose one-row kernels keep a single FMA chain over a
     * row's vector steps in natural order and sum its lanes in order ({@link Vectors#sum}): panel and
     * inputs in natural order, each output one chain of {@link #kernel4x4} over the whole row, its
     * lanes then summed in order — bitwise what those kernels give; {@code cols} is a multiple of
     * {@code LANES}. (Their one-row kernels stay as they are: a two-chain form, small enough for C2
     * to inline into its callers, lost its intrinsics there and ran F16 decode four times slower.)
     */
    static void multiplyNatural(float[] w, int rows, int cols, float[][] xs, int n, float[] out, int base, int outStride) {
        float[] sums = SUMS.get();
        int t = 0;
        for (; SIX && t + 6 <= n; t += 6) {
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                kernel4x6(w, r * cols, cols, xs, t, 0, cols, sums, 0);
                for (int i = 0; i < 6; i++) {
                    for (int j = 0; j < 4; j++) {
                        out[base + (t + i) * outStride + r + j] = laneSum(sums, (4 * i + j) * Vectors.LANES);
                    }
                }
            }
            for (; r < rows; r++) {
                for (int i = 0; i < 6; i++) {
                    out[base + (t + i) * outStride + r] = dotNatural(w, r * cols, xs[t + i], cols, sums);
                }
            }
        }
        for (; t + 4 <= n; t += 4) {
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                kernel4x4(w, r * cols, cols, xs[t], xs[t + 1], xs[t + 2], xs[t + 3], 0, cols, sums, 0);
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 4; j++) {
                        out[base + (t + i) * outStride + r + j] = laneSum(sums, (4 * i + j) * Vectors.LANES);
                    }
                }
            }
            for (; r < rows; r++) {
                for (int i = 0; i < 4; i++) {
                    out[base + (t + i) * outStride + r] = dotNatural(w, r * cols, xs[t + i], cols, sums);
                }
            }
        }
        for (; t < n; t++) {
            for (int r = 0; r < rows; r++) {
                out[base + t * outStride + r] = dotNatural(w, r * cols, xs[t], cols, sums);
            }
        }
    }

    /** One natural-order panel row times {@code x}: one chain, lanes summed in order (through {@code room}). */
    private static float dotNatural(float[] w, int wOffset, float[] x, int cols, float[] room) {
        FloatVector acc = FloatVector.zero(Vectors.FLOATS);
        for (int k = 0; k < cols; k += Vectors.LANES) {
            acc = FloatVector.fromArray(Vectors.FLOATS, w, wOffset + k).fma(FloatVector.fromArray(Vectors.FLOATS, x, k), acc);
        }
        acc.intoArray(room, 0);
        return laneSum(room, 0);
    }

    /** {@code a[at] + a[at + 1] + ... + a[at + LANES - 1]}, in that order from 0: {@link Vectors#sum}'s order. */
    private static float laneSum(float[] a, int at) {
        float s = 0f;
        for (int i = 0; i < Vectors.LANES; i++) {
            s += a[at + i];
        }
        return s;
    }

    /**
     * One chain ({@code [from, to)}: the even half of a split row, or the odd one) of four panel rows
     * from {@code w[row0]} times four activation rows: 16 accumulators, 8 loads per 16 FMAs, written
     * to {@code sums[at...]} by activation row, then weight row. The reductions stay out of the
     * kernel: inlined, they take it over C2's inlining budget and its vectors fall back to objects
     * (four times slower).
     */
    private static void kernel4x4(float[] w, int row0, int cols, float[] x0, float[] x1, float[] x2, float[] x3,
            int from, int to, float[] sums, int at) {
        FloatVector a00 = FloatVector.zero(Vectors.FLOATS), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int w1 = row0 + cols, w2 = w1 + cols, w3 = w2 + cols;
        for (int k = from; k < to; k += Vectors.LANES) {
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
        int l = Vectors.LANES;
        a00.intoArray(sums, at);
        a01.intoArray(sums, at + l);
        a02.intoArray(sums, at + 2 * l);
        a03.intoArray(sums, at + 3 * l);
        a10.intoArray(sums, at + 4 * l);
        a11.intoArray(sums, at + 5 * l);
        a12.intoArray(sums, at + 6 * l);
        a13.intoArray(sums, at + 7 * l);
        a20.intoArray(sums, at + 8 * l);
        a21.intoArray(sums, at + 9 * l);
        a22.intoArray(sums, at + 10 * l);
        a23.intoArray(sums, at + 11 * l);
        a30.intoArray(sums, at + 12 * l);
        a31.intoArray(sums, at + 13 * l);
        a32.intoArray(sums, at + 14 * l);
        a33.intoArray(sums, at + 15 * l);
    }

    /**
     * {@link #kernel4x4} for six activation rows {@code xs[t..t+6)}: 24 accumulators, 10 loads per 24
     * FMAs (8 per 16 there), which took prefill 8% further with 16 lanes. Used only there
     * ({@link #SIX}): with 16 lanes the machine has AVX-512's 32 vector registers, enough for 24
     * accumulators and the loads; AVX2's 16 already fall short of the 4×4 kernel's 21.
     */
    private static void kernel4x6(float[] w, int row0, int cols, float[][] xs, int t, int from, int to, float[] sums,
            int at) {
        float[] x0 = xs[t], x1 = xs[t + 1], x2 = xs[t + 2], x3 = xs[t + 3], x4 = xs[t + 4], x5 = xs[t + 5];
        FloatVector a00 = FloatVector.zero(Vectors.FLOATS), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        FloatVector a40 = a00, a41 = a00, a42 = a00, a43 = a00;
        FloatVector a50 = a00, a51 = a00, a52 = a00, a53 = a00;
        int w1 = row0 + cols, w2 = w1 + cols, w3 = w2 + cols;
        for (int k = from; k < to; k += Vectors.LANES) {
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
            x = FloatVector.fromArray(Vectors.FLOATS, x4, k);
            a40 = v0.fma(x, a40);
            a41 = v1.fma(x, a41);
            a42 = v2.fma(x, a42);
            a43 = v3.fma(x, a43);
            x = FloatVector.fromArray(Vectors.FLOATS, x5, k);
            a50 = v0.fma(x, a50);
            a51 = v1.fma(x, a51);
            a52 = v2.fma(x, a52);
            a53 = v3.fma(x, a53);
        }
        int l = Vectors.LANES;
        a00.intoArray(sums, at);
        a01.intoArray(sums, at + l);
        a02.intoArray(sums, at + 2 * l);
        a03.intoArray(sums, at + 3 * l);
        a10.intoArray(sums, at + 4 * l);
        a11.intoArray(sums, at + 5 * l);
        a12.intoArray(sums, at + 6 * l);
        a13.intoArray(sums, at + 7 * l);
        a20.intoArray(sums, at + 8 * l);
        a21.intoArray(sums, at + 9 * l);
        a22.intoArray(sums, at + 10 * l);
        a23.intoArray(sums, at + 11 * l);
        a30.intoArray(sums, at + 12 * l);
        a31.intoArray(sums, at + 13 * l);
        a32.intoArray(sums, at + 14 * l);
        a33.intoArray(sums, at + 15 * l);
        a40.intoArray(sums, at + 16 * l);
        a41.intoArray(sums, at + 17 * l);
        a42.intoArray(sums, at + 18 * l);
        a43.intoArray(sums, at + 19 * l);
        a50.intoArray(sums, at + 20 * l);
        a51.intoArray(sums, at + 21 * l);
        a52.intoArray(sums, at + 22 * l);
        a53.intoArray(sums, at + 23 * l);
    }

    /** Four split panel rows times one split activation row: the even sums to vectors 0..3 of {@code sums}, the odd to 4..7. */
    private static void kernel4x1(float[] w, int row0, int cols, float[] x0, float[] sums) {
        FloatVector e0 = FloatVector.zero(Vectors.FLOATS), e1 = e0, e2 = e0, e3 = e0;
        FloatVector o0 = e0, o1 = e0, o2 = e0, o3 = e0;
        int w1 = row0 + cols, w2 = w1 + cols, w3 = w2 + cols;
        int half = cols / 2;
        for (int k = 0; k < half; k += Vectors.LANES) {
            FloatVector x = FloatVector.fromArray(Vectors.FLOATS, x0, k);
            e0 = FloatVector.fromArray(Vectors.FLOATS, w, row0 + k).fma(x, e0);
            e1 = FloatVector.fromArray(Vectors.FLOATS, w, w1 + k).fma(x, e1);
            e2 = FloatVector.fromArray(Vectors.FLOATS, w, w2 + k).fma(x, e2);
            e3 = FloatVector.fromArray(Vectors.FLOATS, w, w3 + k).fma(x, e3);
            x = FloatVector.fromArray(Vectors.FLOATS, x0, half + k);
            o0 = FloatVector.fromArray(Vectors.FLOATS, w, row0 + half + k).fma(x, o0);
            o1 = FloatVector.fromArray(Vectors.FLOATS, w, w1 + half + k).fma(x, o1);
            o2 = FloatVector.fromArray(Vectors.FLOATS, w, w2 + half + k).fma(x, o2);
            o3 = FloatVector.fromArray(Vectors.FLOATS, w, w3 + half + k).fma(x, o3);
        }
        int l = Vectors.LANES;
        e0.intoArray(sums, 0);
        e1.intoArray(sums, l);
        e2.intoArray(sums, 2 * l);
        e3.intoArray(sums, 3 * l);
        o0.intoArray(sums, 4 * l);
        o1.intoArray(sums, 5 * l);
        o2.intoArray(sums, 6 * l);
        o3.intoArray(sums, 7 * l);
    }

    /** Per-thread room for a 4×6 tile's even and odd accumulators. */
    private static final ThreadLocal<float[]> SUMS = ThreadLocal.withInitial(() -> new float[48 * Vectors.LANES]);

    /**
     * {@code out[o + i] = tree(even_i + odd_i)} for {@code i < 4}, with the even accumulators at
     * vectors {@code even..even+3} of {@code sums} and the odd ones at {@code odd..odd+3}.
     */
    private static void reduce(float[] sums, int even, int odd, float[] out, int o) {
        for (int i = 0; i < 4; i++) {
            out[o + i] = Vectors.tree(FloatVector.fromArray(Vectors.FLOATS, sums, (even + i) * Vectors.LANES)
                    .add(FloatVector.fromArray(Vectors.FLOATS, sums, (odd + i) * Vectors.LANES)));
        }
    }
}
