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
    void q5_0MatchesGgmlReferenceLayout() {
        byte[] block = FloatTensor.quantize(GgmlType.Q5_0, ramp());
        assertThat(block).hasSize(22);
        ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(Float.float16ToFloat(b.getShort(0))).isEqualTo(1f); // max = -16, d = max / -16
        assertThat(b.getInt(2)).isEqualTo(0xffff0000); // q = v + 16: the fifth bit is set from element 16 (v = 0) on
        assertThat(block[6] & 0x0f).isEqualTo(0); // -16 + 16.5 = 0.5 → 0
        assertThat((block[6 + 15] >> 4) & 0x0f).isEqualTo(15); // 15 + 16.5 → 31, low four bits
        FloatTensor t = tensor(GgmlType.Q5_0, ramp());
        for (int j = 0; j < 32; j++) {
            assertThat(t.get(j)).as("element %d", j).isEqualTo(j - 16f);
        }
    }

    @Test
    void q5_1AndQ4_1MatchGgmlReferenceLayout() {
        byte[] q5 = FloatTensor.quantize(GgmlType.Q5_1, ramp());
        assertThat(q5).hasSize(24);
        ByteBuffer b = ByteBuffer.wrap(q5).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(Float.float16ToFloat(b.getShort(0))).isEqualTo(1f); // (max - min) / 31
        assertThat(Float.float16ToFloat(b.getShort(2))).isEqualTo(-16f); // min
        assertThat(b.getInt(4)).isEqualTo(0xffff0000);
        assertThat(q5[8 + 1] & 0x0f).isEqualTo(1);
        assertThat((q5[8 + 1] >> 4) & 0x0f).isEqualTo(1); // element 17: q = 17, low four bits
        FloatTensor t5 = tensor(GgmlType.Q5_1, ramp());
        for (int j = 0; j < 32; j++) {
            assertThat(t5.get(j)).as("element %d", j).isEqualTo(j - 16f);
        }
        byte[] q4 = FloatTensor.quantize(GgmlType.Q4_1, ramp());
        assertThat(q4).hasSize(20);
        b = ByteBuffer.wrap(q4).order(ByteOrder.LITTLE_ENDIAN);
        float d = Float.float16ToFloat(b.getShort(0));
        assertThat(d).isCloseTo(31f / 15f, within(1e-3f));
        assertThat(Float.float16ToFloat(b.getShort(2))).isEqualTo(-16f);
        assertThat(q4[4] & 0x0f).isEqualTo(0);
        assertThat((q4[4 + 15] >> 4) & 0x0f).isEqualTo(15);
        assertThat(tensor(GgmlType.Q4_1, ramp()).get(31)).isEqualTo(Math.fma(15f, d, -16f));
    }

    /**
     * The vector kernels (dequantized weights times the dequantized input, as the batched panels do
     * it) agree with ggml's reference for each block (the integer dot of the quants times both
     * scales, plus the minimum times the input block's sum) to float rounding.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_1", "Q5_0", "Q5_1"})
    void vectorDotAgreesWithTheGgmlReference(GgmlType type) {
        Random random = new Random(type.ordinal());
        int cols = 256;
        float[] values = new float[cols];
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            values[i] = (float) random.nextGaussian() + (i < 64 ? 1.5f : 0f); // some blocks far from zero-mean
            x[i] = (float) random.nextGaussian();
        }
        Block32Tensor t = (Block32Tensor) tensor(type, values);
        Activation x8 = t.prepare(x, cols);
        Activation.Q8_0 a = x8 instanceof Activation.Q8_1 q ? q.blocks() : (Activation.Q8_0) x8;
        double reference = 0;
        double magnitude = 0;
        for (int b = 0; b < cols / 32; b++) {
            float sy = x8 instanceof Activation.Q8_1 q ? q.sums()[b] : 0f;
            float block = t.scalarBlock((long) b * type.typeSize(), a.quants(), b * 32, a.scales()[b], sy);
            reference += block;
            magnitude += Math.abs(block);
        }
        assertThat((double) t.dot(0, x8)).isCloseTo(reference, within(1e-5 * magnitude));
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
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"})
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
            case Q5_0, Q5_1 -> 0.25f;
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
     * are each weight's value, {@code get(i)}, bit for bit (the 32-blocks without a minimum, whose
     * panels are in split order; the float types copy theirs): the one-row kernels share that arithmetic
     * ({@link MatMulTest}), so a wrong value here would be wrong in both without either test noticing.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q5_0"})
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
