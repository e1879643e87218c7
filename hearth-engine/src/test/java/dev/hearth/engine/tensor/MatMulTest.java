package dev.hearth.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Matrix × matrix must give every activation row exactly (bit for bit) what matrix × vector gives it
 * alone, whatever the batch size and whichever rows share its tile: the server compares outputs under
 * load with outputs run alone.
 */
class MatMulTest {

    /**
     * Each type at a row length it takes: 512 for the K-quants, 160 for the 32-blocks; the float
     * types at 160 (whole vector steps at 8 and 16 lanes: their natural-order panels) and at 168 (not
     * a multiple of the vector width: their 4-row tiles and the scalar tail).
     */
    static Stream<Arguments> typesAndWidths() {
        return Stream.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1,
                GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K).flatMap(type -> switch (type.blockSize()) {
                    case 256 -> Stream.of(Arguments.of(type, 512));
                    case 32 -> Stream.of(Arguments.of(type, 160));
                    default -> Stream.of(Arguments.of(type, 160),
                            Arguments.of(type, 168));
                });
    }

    @ParameterizedTest(name = "{0} × {1}")
    @MethodSource("typesAndWidths")
    void everyRowIsBitwiseItsMatVec(GgmlType type, int cols) {
        Random random = new Random(type.id());
        int rows = 37;
        FloatTensor t = randomTensor(type, rows, cols, random);
        for (int batch : new int[] {1, 2, 3, 4, 5, 6, 8, 9, 10, 16, 70}) {
            float[] x = gaussian(batch * cols, random);
            Activation[] xs = new Activation[batch];
            for (int i = 0; i < batch; i++) {
                xs[i] = Activation.prepare(t.activationKind(), x, i * cols, cols, null);
            }
            int stride = rows + 3; // outputs at an offset and a stride, as in a workspace
            float[] out = new float[5 + batch * stride];
            t.matMul(xs, batch, out, 5, stride, rows, cols);
            for (int i = 0; i < batch; i++) {
                float[] alone = new float[rows];
                t.matVec(java.util.Arrays.copyOfRange(x, i * cols, (i + 1) * cols), alone, rows, cols);
                for (int r = 0; r < rows; r++) {
                    assertThat(Float.floatToRawIntBits(out[5 + i * stride + r]))
                            .as("%s batch %d, activation row %d, weight row %d", type, batch, i, r)
                            .isEqualTo(Float.floatToRawIntBits(alone[r]));
                }
            }
        }
    }

    /**
     * One input and work past {@link FloatTensor#PARALLEL_THRESHOLD}, as in a decode step: the types
     * with a {@link FloatTensor#dotRowStreams} kernel read the matrix as four streams, here of 41 rows
     * (tasks of 4 rows of each, the last of 1) with 3 rows after them, and each row must still be
     * bitwise its matrix × vector, written where it belongs.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1",
            "Q4_K", "Q5_K", "Q6_K"})
    void aDecodeStepsProductIsBitwiseItsMatVec(GgmlType type) {
        Random random = new Random(type.id());
        int rows = 4 * 41 + 3, cols = 512; // two super-blocks a row for the K-quants
        assertThat((long) rows * cols).isGreaterThanOrEqualTo(FloatTensor.PARALLEL_THRESHOLD);
        FloatTensor t = randomTensor(type, rows, cols, random);
        float[] x = gaussian(cols, random);
        float[] out = new float[7 + rows];
        t.matMul(new Activation[] {t.prepare(x, cols)}, 1, out, 7, rows, rows, cols);
        float[] alone = new float[rows];
        t.matVec(x, alone, rows, cols);
        for (int r = 0; r < rows; r++) {
            assertThat(Float.floatToRawIntBits(out[7 + r])).as("%s weight row %d", type, r)
                    .isEqualTo(Float.floatToRawIntBits(alone[r]));
        }
    }

    /** The build's extra run at another vector width ({@code -Dhearth.test.lanes}) really runs at it. */
    @org.junit.jupiter.api.Test
    void runsAtTheVectorWidthTheBuildAsksFor() {
        Integer lanes = Integer.getInteger("hearth.test.lanes");
        if (lanes != null) {
            assertThat(Vectors.LANES).isEqualTo(lanes);
        }
        assertThat(Vectors.QUANTIZED_ENABLED).isEqualTo(Vectors.LANES >= 8 && !Boolean.getBoolean("hearth.engine.scalar"));
    }

    /** A {@code rows × cols} matrix of {@code type}: random valid blocks for the K-quants, quantized Gaussians otherwise. */
    static FloatTensor randomTensor(GgmlType type, int rows, int cols, Random random) {
        byte[] bytes = type.blockSize() == 256
                ? KQuantTest.randomBlocks(type, rows * cols / 256, random)
                : FloatTensor.quantize(type, gaussian(rows * cols, random));
        return FloatTensor.of(type, MemorySegment.ofArray(bytes), (long) rows * cols);
    }

    static float[] gaussian(int n, Random random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
