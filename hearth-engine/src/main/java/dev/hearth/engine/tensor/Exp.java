package dev.hearth.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code e^x} in float for the element-wise kernels ({@link SwiGlu}, {@link Softmax}), built from
 * operations IEEE 754 defines exactly (fused multiply-add, add, compare, integer bit arithmetic),
 * so that the vector form and the scalar form give the same bits for every input, interpreted or
 * compiled, in any lane. The Vector API's own lane-wise {@code EXP} is not usable here: its
 * intrinsic and its Java fallback may round differently, and results must not depend on JIT state.
 *
 * <p>The method is Cephes' {@code expf}, the one ggml's vectorized {@code expf} also follows: {@code
 * n = round(x·log2 e)}, {@code r = x − n·ln 2} in two parts, a degree-7 polynomial for {@code e^r}
 * on {@code [−ln2/2, ln2/2]}, times {@code 2^n} put together in the exponent bits. Error: within 2
 * units in the last place of {@link Math#exp} (tested over a sweep). Above {@link #HI}
 * ({@code ≈ 88.38}) the result is +∞, below {@link #LO} ({@code ≈ −87.34}, where {@code e^x} leaves
 * the normal floats) it is 0; NaN stays NaN.
 */
final class Exp {

    static final float HI = 88.3762626647949f;
    static final float LO = -87.3365447505531f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** {@link Vectors#ROUND}: adding it rounds to an integer, which the low mantissa bits then hold. */
    private static final float ROUND = Vectors.ROUND;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    private Exp() {}

    /** {@code e^(sign·v + shift)} with {@code sign·v + shift} rounded once. */
    static float exp(float v, float sign, float shift) {
        float x = Math.fma(v, sign, shift);
        float xc = Math.min(Math.max(x, LO), HI);
        float t = Math.fma(xc, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, xc);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(P0, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = Math.fma(p, r * r, r) + 1f;
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) - ROUND_BITS + 127) << 23);
        float e = y * scale;
        return x > HI ? Float.POSITIVE_INFINITY : x < LO ? 0f : e;
    }

    /**
     * {@link #exp(float, float, float)} of {@code LANES} values {@code a[offset...]}, lane by lane. It
     * takes the array and offset, not a vector, as {@link Vectors}' rules ask of kernel helpers.
     */
    static FloatVector exp(float[] a, int offset, float sign, float shift) {
        FloatVector x = FloatVector.fromArray(Vectors.FLOATS, a, offset).fma(sign, shift);
        FloatVector xc = x.max(LO).min(HI);
        FloatVector t = xc.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(Vectors.FLOATS, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(Vectors.FLOATS, -LN2_LO), r);
        FloatVector p = r.fma(P0, P1); // P0·r + P1, as the scalar form's fma(P0, r, P1)
        p = p.fma(r, FloatVector.broadcast(Vectors.FLOATS, P2));
        p = p.fma(r, FloatVector.broadcast(Vectors.FLOATS, P3));
        p = p.fma(r, FloatVector.broadcast(Vectors.FLOATS, P4));
        p = p.fma(r, FloatVector.broadcast(Vectors.FLOATS, P5));
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        IntVector bits = (IntVector) t.convertShape(VectorOperators.REINTERPRET_F2I, Vectors.INTS, 0);
        FloatVector scale = (FloatVector) bits.sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23)
                .convertShape(VectorOperators.REINTERPRET_I2F, Vectors.FLOATS, 0);
        FloatVector e = y.mul(scale);
        e = e.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, HI));
        return e.blend(0f, x.compare(VectorOperators.LT, LO));
    }
}
