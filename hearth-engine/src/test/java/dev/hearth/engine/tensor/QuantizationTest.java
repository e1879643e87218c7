package dev.hearth.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class QuantizationTest {

    static float[] ramp() {
        float[] v = new float[32];
        for (int j = 0; j < 32; j++) {
            v[j] = j - 16;
        }
        return v;
    }

    static FloatTensor tensor(GgmlType type, float[] values) {
        return FloatTensor.of(type, MemorySegment.ofArray(FloatTensor.quantize(type, values)), values.length);
    }

    @Test
    void q8_0MatchesGgmlReferenceLayout() {
        byte[] block = FloatTensor.quantize(GgmlType.Q8_0, ramp());
        assertThat(block).hasSize(34);
        ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort(0)).isEqualTo(Float.floatToFloat16(16f / 127f));
        assertThat(block[2]).isEqualTo((byte) -127); // -16 / d
        assertThat(block[2 + 24]).isEqualTo((byte) 64); // 8 * 127 / 16 = 63.5 rounds away from zero
        assertThat(block[2 + 8]).isEqualTo((byte) -64); // -8 → -63.5 → -64
        assertThat(block[2 + 16]).isEqualTo((byte) 0);
    }

    @Test
    void q4_0MatchesGgmlReferenceLayout() {
        byte[] block = FloatTensor.quantize(GgmlType.Q4_0, ramp());
        assertThat(block).hasSize(18);
        ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(Float.float16ToFloat(b.getShort(0))).isEqualTo(2f); // max = -16, d = max / -8
        assertThat(block[2] & 0x0f).isEqualTo(0); // -16 / 2 + 8.5 = 0.5 → 0
        assertThat((block[2 + 15] >> 4) & 0x0f).isEqualTo(15); // 15 / 2 + 8.5 = 16 → clamped to 15
        FloatTensor t = tensor(GgmlType.Q4_0, ramp());
        assertThat(t.get(0)).isEqualTo(-16f);
        assertThat(t.get(17)).isEqualTo(2f); // 1 / 2 + 8.5 = 9 → (9 - 8) * 2
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertThat(BF16Tensor.bf16Bits(1f)).isEqualTo((short) 0x3f80);
        assertThat(BF16Tensor.bf16Bits(Float.intBitsToFloat(0x3f808000))).isEqualTo((short) 0x3f80); // tie → even
        assertThat(BF16Tensor.bf16Bits(Float.intBitsToFloat(0x3f818000))).isEqualTo((short) 0x3f82); // tie → even
        assertThat(BF16Tensor.bf16Bits(Float.intBitsToFloat(0x3f808001))).isEqualTo((short) 0x3f81);
        assertThat(Float.isNaN(tensor(GgmlType.BF16, new float[] {Float.NaN}).get(0))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0"})
    void dequantizeOfQuantizeIsCloseAndDotAgreesWithElements(GgmlType type) {
        Random random = new Random(type.ordinal());
        float[] values = new float[256];
        float[] x = new float[256];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
            x[i] = (float) random.nextGaussian();
        }
        FloatTensor t = tensor(type, values);
        float tolerance = switch (type) {
            case F32 -> 0f;
            case F16 -> 2e-3f;
            case BF16 -> 2e-2f;
            case Q8_0 -> 0.03f;
            default -> 0.5f;
        };
        double reference = 0;
        for (int i = 0; i < values.length; i++) {
            assertThat(t.get(i)).isCloseTo(values[i], within(tolerance * Math.max(1f, Math.abs(values[i]))));
            reference += (double) t.get(i) * x[i];
        }
        assertThat((double) t.dot(0, x, 0, 256)).isCloseTo(reference, within(1e-3));
        assertThat((double) t.dot(32, x, 32, 64)).isCloseTo(dotRange(t, x, 32, 64), within(1e-3));
    }

    /**
     * The weights the batched path multiplies (a chunk dequantized into {@link Panel}'s split order)
     * are each weight's value, {@code get(i)}, bit for bit (the 32-blocks, whose panels are in split
     * order; the float types copy theirs): the one-row kernels share that arithmetic
     * ({@link MatMulTest}), so a wrong value here would be wrong in both without either test noticing.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0"})
    void panelValuesAreTheWeightsBitForBit(GgmlType type) {
        org.junit.jupiter.api.Assumptions.assumeTrue(Vectors.QUANTIZED_ENABLED, "no vector kernels at this width");
        Random random = new Random(type.ordinal());
        int rows = 3;
        int cols = 160;
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian() * (i % 7 == 0 ? 40 : 1);
        }
        FloatTensor t = tensor(type, values);
        float[] panel = new float[rows * cols];
        t.dequantizeRows(0, rows, cols, panel);
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                int at = r * cols + Panel.split(k - k % Vectors.LANES, cols / 2) + k % Vectors.LANES;
                assertThat(Float.floatToRawIntBits(panel[at])).as("%s row %d, value %d", type, r, k)
                        .isEqualTo(Float.floatToRawIntBits(t.get((long) r * cols + k)));
            }
        }
    }

    static double dotRange(FloatTensor t, float[] x, int from, int n) {
        double s = 0;
        for (int i = from; i < from + n; i++) {
            s += (double) t.get(i) * x[i];
        }
        return s;
    }
}
