package dev.hearth.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Matrix × matrix must give every activation row exactly (bit for bit) what matrix × vector gives it
 * alone, whatever the batch size and whichever rows share its tile: the server compares outputs under
 * load with outputs run alone.
 */
class MatMulTest {

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    void everyRowIsBitwiseItsMatVec(GgmlType type) {
        Random random = new Random(type.id());
        int rows = 37;
        int cols = switch (type.blockSize()) {
            case 256 -> 512;
            case 32 -> 160;
            default -> 168; // not a multiple of the vector width: the scalar tail too
        };
        byte[] bytes = type.blockSize() == 256
                ? KQuantTest.randomBlocks(type, rows * cols / 256, random)
                : FloatTensor.quantize(type, gaussian(rows * cols, random));
        FloatTensor t = FloatTensor.of(type, MemorySegment.ofArray(bytes), (long) rows * cols);
        for (int batch : new int[] {1, 2, 3, 4, 5, 8, 9, 70}) {
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

    /** The build's extra run at another vector width ({@code -Dhearth.test.lanes}) really runs at it. */
    @org.junit.jupiter.api.Test
    void runsAtTheVectorWidthTheBuildAsksFor() {
        Integer lanes = Integer.getInteger("hearth.test.lanes");
        if (lanes != null) {
            assertThat(Vectors.LANES).isEqualTo(lanes);
        }
        assertThat(Vectors.QUANTIZED_ENABLED).isEqualTo(Vectors.LANES >= 8 && !Boolean.getBoolean("hearth.engine.scalar"));
    }

    static float[] gaussian(int n, Random random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
