package dev.hearth.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Exp}: close to {@link Math#exp}, and the same bits in a vector lane as alone. */
class ExpTest {

    /** Inputs across the whole range, the edges and the special values. */
    static float[] inputs() {
        List<Float> v = new ArrayList<>();
        for (float x = -90f; x <= 90f; x += 0.0137f) {
            v.add(x);
        }
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            v.add((float) random.nextGaussian() * 4f);
        }
        for (float x : new float[] {0f, -0f, 1e-30f, -1e-30f, Float.MIN_VALUE, 1f, -1f, Exp.HI, Exp.LO,
                Math.nextUp(Exp.HI), Math.nextDown(Exp.LO), 88.72f, -103f, 1e30f, -1e30f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}) {
            v.add(x);
        }
        while (v.size() % Vectors.LANES != 0) {
            v.add(0.5f);
        }
        float[] a = new float[v.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = v.get(i);
        }
        return a;
    }

    @Test
    void withinTwoUlpsOfMathExpOverTheNormalRange() {
        for (float x : inputs()) {
            float e = Exp.exp(x, 1f, 0f);
            if (Float.isNaN(x)) {
                assertThat(e).isNaN();
            } else if (x > Exp.HI) {
                assertThat(e).isEqualTo(Float.POSITIVE_INFINITY);
            } else if (x < Exp.LO) {
                assertThat(e).isZero();
            } else {
                float expected = (float) Math.exp(x);
                assertThat(Math.abs(e - expected)).as("exp(%s) = %s, Math.exp %s", x, e, expected)
                        .isLessThanOrEqualTo(2 * Math.ulp(expected));
            }
        }
    }

    @Test
    void vectorLanesGiveTheScalarBits() {
        float[] a = inputs();
        // rounds enough for C2 to compile the vector form with its intrinsics, not only its Java fallback
        for (int round = 0; round < 40; round++) {
            for (float[] signShift : new float[][] {{1f, 0f}, {-1f, 0f}, {1f, -3.5f}}) {
                compareLanes(a, signShift);
            }
        }
    }

    private static void compareLanes(float[] a, float[] signShift) {
        for (int i = 0; i < a.length; i += Vectors.LANES) {
            float[] lanes = Exp.exp(a, i, signShift[0], signShift[1]).toArray();
            for (int l = 0; l < Vectors.LANES; l++) {
                float scalar = Exp.exp(a[i + l], signShift[0], signShift[1]);
                assertThat(Float.floatToRawIntBits(lanes[l]))
                        .as("exp(%s * %s + %s)", signShift[0], a[i + l], signShift[1])
                        .isEqualTo(Float.floatToRawIntBits(scalar));
            }
        }
    }

    @Test
    void swiGluAndSoftmaxDoNotDependOnWhereAValueFallsInAVector() {
        float[] a = inputs();
        int n = 3 * Vectors.LANES + 5;
        float[] gate = new float[n + 3], up = new float[n + 3];
        for (int i = 0; i < gate.length; i++) {
            gate[i] = a[(i * 31) % a.length] % 20f;
            up[i] = 1f + i;
        }
        // the same row at offset 0 and at offset 3: its values sit at other lanes, or in the tail
        float[] g0 = java.util.Arrays.copyOf(gate, n), g3 = new float[n + 3];
        System.arraycopy(gate, 0, g3, 3, n);
        float[] u3 = new float[n + 3];
        System.arraycopy(up, 0, u3, 3, n);
        SwiGlu.apply(g0, up, 0, n);
        SwiGlu.apply(g3, u3, 3, n);
        assertThat(java.util.Arrays.copyOfRange(g3, 3, n + 3)).containsExactly(g0);

        float[] s0 = java.util.Arrays.copyOf(gate, n), s3 = new float[n + 3];
        System.arraycopy(gate, 0, s3, 3, n);
        Softmax.apply(s0, 0, n);
        Softmax.apply(s3, 3, n);
        assertThat(java.util.Arrays.copyOfRange(s3, 3, n + 3)).containsExactly(s0);
    }
}
