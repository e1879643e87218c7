package dev.hearth.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each kernel against a plain double-precision scalar reference. */
class KernelTest {

    final Random random = new Random(1234);

    float[] gaussian(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    @Test
    void rmsNorm() {
        float[] x = gaussian(96);
        float[] w = gaussian(96);
        float[] out = new float[96];
        RmsNorm.apply(out, x, w, 1e-5f);
        double ss = 0;
        for (float v : x) {
            ss += (double) v * v;
        }
        double scale = 1 / Math.sqrt(ss / x.length + 1e-5);
        for (int i = 0; i < x.length; i++) {
            assertThat((double) out[i]).isCloseTo(x[i] * scale * w[i], within(1e-5));
        }
    }

    @Test
    void softmax() {
        float[] x = gaussian(50);
        x[3] = 80f; // large values must not overflow
        float[] expected = new float[50];
        double max = 80, sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        for (int i = 0; i < 50; i++) {
            expected[i] = (float) (Math.exp(x[i] - max) / sum);
        }
        Softmax.apply(x, 0, 50);
        for (int i = 0; i < 50; i++) {
            assertThat(x[i]).isCloseTo(expected[i], within(1e-6f));
        }
    }

    @Test
    void attentionWeightedSumIsAnInOrderFmaChainPerElement() {
        int length = 37, kvDim = 3 * 136;
        float[] scores = gaussian(5 + length);
        float[] values = gaussian(length * kvDim);
        for (int headSize : new int[] {8, 64, 72, 128, 136}) {
            float[] out = new float[3 + headSize];
            Attention.weightedSum(scores, 5, length, values, 136, kvDim, out, 3, headSize);
            for (int i = 0; i < headSize; i++) {
                float expected = 0f;
                for (int t = 0; t < length; t++) {
                    expected = Math.fma(scores[5 + t], values[t * kvDim + 136 + i], expected);
                }
                assertThat(Float.floatToRawIntBits(out[3 + i])).as("head size %d, element %d", headSize, i)
                        .isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
    }

    @Test
    void swiGlu() {
        int n = 77; // not a multiple of the vector length: tail path too
        float[] gate = gaussian(n);
        float[] up = gaussian(n);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = (float) (gate[i] / (1 + Math.exp(-gate[i])) * up[i]);
        }
        SwiGlu.apply(gate, up, n);
        for (int i = 0; i < n; i++) {
            assertThat(gate[i]).isCloseTo(expected[i], within(1e-5f));
        }
    }

    @ParameterizedTest
    @EnumSource(Rope.Style.class)
    void rope(Rope.Style style) {
        int heads = 3, headSize = 16, position = 37;
        float base = 10000f;
        float[] x = gaussian(heads * headSize);
        float[] factors = Rope.llama3FreqFactors(headSize, base, 8f, 1f, 4f, 64);
        for (float[] ff : new float[][] {null, factors}) {
            float[] y = x.clone();
            Rope rope = new Rope(style, headSize, base, ff);
            rope.apply(y, 0, heads, headSize, rope.angles(position));
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < headSize / 2; i++) {
                    double theta = position * Math.pow(base, -2.0 * i / headSize) / (ff == null ? 1 : ff[i]);
                    int a = h * headSize + (style == Rope.Style.NORMAL ? 2 * i : i);
                    int b = style == Rope.Style.NORMAL ? a + 1 : a + headSize / 2;
                    assertThat((double) y[a]).isCloseTo(x[a] * Math.cos(theta) - x[b] * Math.sin(theta), within(1e-4));
                    assertThat((double) y[b]).isCloseTo(x[a] * Math.sin(theta) + x[b] * Math.cos(theta), within(1e-4));
                }
            }
        }
    }

    /**
     * Groups of 4 (tiles of four heads), 7 (four, two and one) and 1 (one head per KV head, as in
     * multi-head attention); contexts inside one key block, across a few, and long; a cache with
     * room to spare; sliding windows (attending from {@code start}) that begin inside a vector of
     * positions, on its edge and far into the cache.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"0,8,2,0", "6,8,2,0", "700,8,2,0", "0,14,2,0", "37,14,2,0", "700,14,2,0",
        "5,3,3,0", "300,3,3,0", "37,14,2,5", "37,8,2,32", "700,8,2,517", "300,3,3,299", "6,3,3,6"})
    void groupedQueryAttention(int position, int heads, int kvHeads, int start) {
        int headSize = 20; // head size not a multiple of the vector width
        int kvDim = kvHeads * headSize;
        int capacity = position + 40;
        float[] q = gaussian(heads * headSize);
        float[] keys = gaussian((position + 1) * kvDim);
        float[] values = gaussian(capacity * kvDim);
        float[] cache = new float[Attention.keyCacheSize(capacity, kvDim)];
        java.util.Arrays.fill(cache, Float.NaN); // block padding (never stored) and later positions must not reach the result
        for (int t = 0; t < capacity; t++) {
            Attention.storeKey(cache, capacity, t, t <= position ? keys : gaussian(kvDim), t <= position ? t * kvDim : 0,
                    kvHeads, headSize);
        }
        float scale = (float) (1 / Math.sqrt(headSize));
        float[] out = new float[heads * headSize];
        float[] scores = new float[heads * Attention.scoreStride(position + 1)];
        if (start == 0) {
            Attention.apply(q, cache, capacity, values, position, heads, kvHeads, headSize, scale, scores, out);
        } else {
            Attention.apply(q, 0, cache, capacity, values, start, position, heads, kvHeads, headSize, scale, scores, out, 0);
        }
        float[] serial = new float[heads * headSize];
        Attention.applySerial(q, 0, cache, capacity, values, start, position, heads, kvHeads, headSize, scale, scores, serial,
                0);
        assertThat(serial).as("serial and parallel heads").isEqualTo(out);
        for (int h = 0; h < heads; h++) {
            int kv = h / (heads / kvHeads);
            double[] w = new double[position + 1];
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int t = start; t <= position; t++) {
                for (int i = 0; i < headSize; i++) {
                    w[t] += (double) q[h * headSize + i] * keys[t * kvDim + kv * headSize + i];
                }
                w[t] *= scale;
                max = Math.max(max, w[t]);
            }
            for (int t = start; t <= position; t++) {
                w[t] = Math.exp(w[t] - max);
                sum += w[t];
            }
            for (int i = 0; i < headSize; i++) {
                double expected = 0;
                for (int t = start; t <= position; t++) {
                    expected += w[t] / sum * values[t * kvDim + kv * headSize + i];
                }
                assertThat((double) out[h * headSize + i]).isCloseTo(expected, within(1e-5));
            }
        }
    }

    /**
     * Gemma's GELU gate as ggml computes it: the input rounded to fp16, its GELU (tanh form) from a
     * table rounded to fp16, so within fp16 precision of the exact GELU; 0 at or below -10, the input
     * itself at or above 10; times the up value.
     */
    @Test
    void geluGateAsGgmlComputesIt() {
        float[] gate = {-12f, -10f, -3.3f, -0.5f, 0f, 1e-3f, 0.7f, 2.5f, 9.99f, 10f, 13.5f};
        float[] up = {2f, 2f, 2f, 2f, 2f, 2f, 2f, 2f, 2f, 2f, 2f};
        float[] out = gate.clone();
        GeGlu.apply(out, up, 0, out.length);
        for (int i = 0; i < gate.length; i++) {
            double x = gate[i];
            double exact = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            if (x <= -10) {
                assertThat(out[i]).isEqualTo(0f);
            } else if (x >= 10) {
                assertThat(out[i]).isEqualTo(gate[i] * 2f);
            } else {
                float input = Float.float16ToFloat(Float.floatToFloat16(gate[i]));
                float table = Float.float16ToFloat(Float.floatToFloat16(GeGlu.gelu(input)));
                assertThat(out[i]).as("x = %s", x).isEqualTo(table * 2f);
                assertThat((double) out[i] / 2).isCloseTo(exact, within(2e-3 * Math.max(1, Math.abs(exact))));
            }
        }
    }

    @Test
    void llama3FrequencyFactors() {
        // Llama 3.1 8B: head 128, base 500000, factor 8, low 1, high 4, original context 8192
        float[] f = Rope.llama3FreqFactors(128, 500000f, 8f, 1f, 4f, 8192);
        assertThat(f).hasSize(64);
        assertThat(f[0]).isEqualTo(1f); // highest frequency untouched
        assertThat(f[63]).isEqualTo(8f); // lowest divided by the factor
        for (int i = 1; i < f.length; i++) {
            assertThat(f[i]).isGreaterThanOrEqualTo(f[i - 1]);
        }
    }

    @Test
    void q8_0ActivationsRoundHalfToEven() {
        float[] x = new float[32];
        x[0] = 127f; // amax → scale 1, so values quantize to themselves, halves to even
        x[1] = 2.5f;
        x[2] = -3.5f;
        x[3] = 0.5f;
        Activation.Q8_0 q = Activation.Q8_0.quantize(x, 32);
        assertThat(q.scales()[0]).isEqualTo(1f);
        assertThat(q.quants()[0]).isEqualTo((byte) 127);
        assertThat(q.quants()[1]).isEqualTo((byte) 2);
        assertThat(q.quants()[2]).isEqualTo((byte) -4);
        assertThat(q.quants()[3]).isEqualTo((byte) 0);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0"})
    void matVecAgreesWithScalarReference(GgmlType type) {
        int rows = 300, cols = 256; // large enough to take the parallel path
        float[] w = gaussian(rows * cols);
        float[] x = gaussian(cols);
        FloatTensor t = FloatTensor.of(type, MemorySegment.ofArray(FloatTensor.quantize(type, w)), (long) rows * cols);
        float[] out = new float[rows];
        t.matVec(x, out, rows, cols);
        // reference: dequantized weights times the input as llama.cpp rounds it for this type
        float[] xr = switch (type) {
            case F32 -> x;
            case F16 -> roundTrip(GgmlType.F16, x);
            case BF16 -> roundTrip(GgmlType.BF16, x);
            default -> {
                Activation.Q8_0 q = Activation.Q8_0.quantize(x, cols);
                float[] d = new float[cols];
                for (int i = 0; i < cols; i++) {
                    d[i] = q.quants()[i] * q.scales()[i / 32];
                }
                yield d;
            }
        };
        for (int r = 0; r < rows; r++) {
            double expected = 0;
            for (int c = 0; c < cols; c++) {
                expected += (double) t.get((long) r * cols + c) * xr[c];
            }
            assertThat((double) out[r]).as("row %d", r).isCloseTo(expected, within(1e-4));
        }
        // and the unrounded dot product agrees with the elements
        assertThat((double) t.dot(cols, x, 0, cols)).isCloseTo(QuantizationTest.dotRange(t, shift(x, cols), cols, cols), within(1e-3));
    }

    @Test
    void vectorHalfToFloatIsExactForEveryHalf() {
        short[] all = new short[1 << 16];
        for (int h = 0; h < all.length; h++) {
            all[h] = (short) h;
        }
        java.lang.foreign.MemorySegment halves = java.lang.foreign.MemorySegment.ofArray(all);
        for (int h = 0; h < all.length; h += Vectors.LANES) {
            float[] got = F16Tensor.halves(halves, h * 2L).toArray();
            for (int i = 0; i < got.length; i++) {
                float expected = Float.float16ToFloat(all[h + i]);
                if (Float.isNaN(expected)) {
                    assertThat(got[i]).as("half 0x%04x", h + i).isNaN();
                } else {
                    assertThat(Float.floatToRawIntBits(got[i])).as("half 0x%04x", h + i)
                            .isEqualTo(Float.floatToRawIntBits(expected));
                }
            }
        }
    }

    static float[] roundTrip(GgmlType type, float[] x) {
        return FloatTensor.of(type, MemorySegment.ofArray(FloatTensor.quantize(type, x)), x.length).toFloatArray();
    }

    static float[] shift(float[] x, int by) {
        float[] s = new float[x.length + by];
        System.arraycopy(x, 0, s, by, x.length);
        return s;
    }
}
