package dev.hearth.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * K-quants: element access against literal transcriptions of ggml's {@code dequantize_row_q*_K}
 * loops, and the Q8_K dot products against dequantized values.
 */
class KQuantTest {

    static byte[] randomBlocks(GgmlType type, int blocks, Random random) {
        byte[] b = new byte[blocks * type.typeSize()];
        random.nextBytes(b);
        for (int i = 0; i < blocks; i++) {
            int at = i * type.typeSize() + (type == GgmlType.Q6_K ? 208 : 0);
            setHalf(b, at, 0.01f + random.nextFloat() * 0.01f);
            if (type != GgmlType.Q6_K) {
                setHalf(b, at + 2, 0.05f + random.nextFloat() * 0.05f);
            }
        }
        return b;
    }

    static void setHalf(byte[] b, int at, float v) {
        short h = Float.floatToFloat16(v);
        b[at] = (byte) h;
        b[at + 1] = (byte) (h >> 8);
    }

    static int u(byte b) {
        return b & 0xff;
    }

    static float half(byte[] b, int at) {
        return Float.float16ToFloat((short) ((b[at] & 0xff) | (b[at + 1] << 8)));
    }

    static int[] scaleMinK4(int j, byte[] q, int at) {
        if (j < 4) {
            return new int[] {u(q[at + j]) & 63, u(q[at + j + 4]) & 63};
        }
        return new int[] {(u(q[at + j + 4]) & 0xF) | ((u(q[at + j - 4]) >> 6) << 4),
                (u(q[at + j + 4]) >> 4) | ((u(q[at + j]) >> 6) << 4)};
    }

    /** dequantize_row_q4_K / q5_K / q6_K, line by line. */
    static float[] ggmlDequantize(GgmlType type, byte[] x, int blocks) {
        float[] y = new float[blocks * 256];
        int yi = 0;
        for (int i = 0; i < blocks; i++) {
            int blk = i * type.typeSize();
            switch (type) {
                case Q4_K, Q5_K -> {
                    float d = half(x, blk);
                    float min = half(x, blk + 2);
                    int q = blk + (type == GgmlType.Q4_K ? 16 : 48);
                    int qh = blk + 16;
                    int is = 0;
                    int u1 = 1, u2 = 2;
                    for (int j = 0; j < 256; j += 64) {
                        int[] sm = scaleMinK4(is, x, blk + 4);
                        float d1 = d * sm[0], m1 = min * sm[1];
                        sm = scaleMinK4(is + 1, x, blk + 4);
                        float d2 = d * sm[0], m2 = min * sm[1];
                        for (int l = 0; l < 32; ++l) {
                            int h = type == GgmlType.Q5_K && (u(x[qh + l]) & u1) != 0 ? 16 : 0;
                            y[yi++] = d1 * ((u(x[q + l]) & 0xF) + h) - m1;
                        }
                        for (int l = 0; l < 32; ++l) {
                            int h = type == GgmlType.Q5_K && (u(x[qh + l]) & u2) != 0 ? 16 : 0;
                            y[yi++] = d2 * ((u(x[q + l]) >> 4) + h) - m2;
                        }
                        q += 32;
                        is += 2;
                        u1 <<= 2;
                        u2 <<= 2;
                    }
                }
                case Q6_K -> {
                    float d = half(x, blk + 208);
                    int ql = blk, qh = blk + 128, sc = blk + 192;
                    for (int n = 0; n < 256; n += 128) {
                        for (int l = 0; l < 32; ++l) {
                            int is = l / 16;
                            int q1 = (byte) ((u(x[ql + l]) & 0xF) | (((u(x[qh + l]) >> 0) & 3) << 4)) - 32;
                            int q2 = (byte) ((u(x[ql + l + 32]) & 0xF) | (((u(x[qh + l]) >> 2) & 3) << 4)) - 32;
                            int q3 = (byte) ((u(x[ql + l]) >> 4) | (((u(x[qh + l]) >> 4) & 3) << 4)) - 32;
                            int q4 = (byte) ((u(x[ql + l + 32]) >> 4) | (((u(x[qh + l]) >> 6) & 3) << 4)) - 32;
                            y[yi + l] = d * x[sc + is] * q1;
                            y[yi + l + 32] = d * x[sc + is + 2] * q2;
                            y[yi + l + 64] = d * x[sc + is + 4] * q3;
                            y[yi + l + 96] = d * x[sc + is + 6] * q4;
                        }
                        yi += 128;
                        ql += 64;
                        qh += 32;
                        sc += 8;
                    }
                }
                default -> throw new AssertionError(type);
            }
        }
        return y;
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_K", "Q5_K", "Q6_K"})
    void elementsMatchGgmlDequantizeAndDotMatchesElements(GgmlType type) {
        Random random = new Random(type.id());
        int rows = 3, cols = 512;
        byte[] bytes = randomBlocks(type, rows * cols / 256, random);
        FloatTensor t = FloatTensor.of(type, MemorySegment.ofArray(bytes), (long) rows * cols);
        float[] expected = ggmlDequantize(type, bytes, rows * cols / 256);
        for (int i = 0; i < expected.length; i++) {
            assertThat(t.get(i)).as("element %d", i).isEqualTo(expected[i]);
        }
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) random.nextGaussian();
        }
        Activation.Q8_K q = Activation.Q8_K.quantize(x, cols);
        float[] out = new float[rows];
        t.matVec(x, out, rows, cols);
        for (int r = 0; r < rows; r++) {
            double reference = 0;
            for (int c = 0; c < cols; c++) {
                reference += (double) expected[r * cols + c] * q.quants()[c] * q.scales()[c / 256];
            }
            assertThat((double) out[r]).isCloseTo(reference, within(1e-4 * Math.max(1, Math.abs(reference))));
        }
    }

    @org.junit.jupiter.api.Test
    void q8_KUsesTheSignedMaximum() {
        float[] x = new float[256];
        x[5] = 2f; // the largest magnitude is positive: iscale = -127 / 2, so the scale is negative
        x[6] = -1f;
        Activation.Q8_K q = Activation.Q8_K.quantize(x, 256);
        assertThat(q.quants()[5]).isEqualTo((byte) -127);
        assertThat(q.scales()[0]).isEqualTo(1f / (-127f / 2f));
        assertThat(q.quants()[6]).isEqualTo((byte) 64); // 63.5 rounds half to even
        assertThat(q.sums16()[0]).isEqualTo(-127 + 64);
        assertThat(q.quants()[5] * q.scales()[0]).isCloseTo(2f, within(1e-6f));
    }
}
