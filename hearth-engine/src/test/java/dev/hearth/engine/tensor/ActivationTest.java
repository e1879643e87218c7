package dev.hearth.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vector form of the Q8_0 input quantization gives the bits of its value-at-a-time definition. */
class ActivationTest {

    @Test
    void q8_0VectorFillIsTheScalarFill() {
        Random random = new Random(3);
        int n = 32 * 12;
        float[] x = new float[n + 7];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() * (1 + i % 5);
        }
        // block 1: amax 127 so x·id = x, with ties to round to even both ways
        for (int j = 0; j < 32; j++) {
            x[7 + 32 + j] = (j % 2 == 0 ? 1 : -1) * (j + 0.5f);
        }
        x[7 + 32 + 31] = 127f;
        // block 2: zeros, one of them negative; block 3: a single non-zero value
        java.util.Arrays.fill(x, 7 + 64, 7 + 128, 0f);
        x[7 + 70] = -0f;
        x[7 + 100] = -1e-3f;
        Activation.Q8_0 vectors = Activation.Q8_0.allocate(n);
        Activation.Q8_0 scalar = Activation.Q8_0.allocate(n);
        for (int round = 0; round < 20_000; round++) { // until C2 has compiled the vector form
            vectors.fillVectors(x, 7);
        }
        scalar.fillScalar(x, 7);
        assertThat(vectors.quants()).containsExactly(scalar.quants());
        assertThat(vectors.scales()).containsExactly(scalar.scales());
        for (int i = 0; i < n; i++) {
            assertThat(Float.floatToRawIntBits(vectors.values()[i])).as("value %d", i)
                    .isEqualTo(Float.floatToRawIntBits(scalar.values()[i]));
        }
        assertThat(scalar.quants()[32 + 2]).isEqualTo((byte) 2); // 2.5 rounds to 2
        assertThat(scalar.quants()[32 + 3]).isEqualTo((byte) -4); // -3.5 to -4
    }

    @Test
    void q8_KVectorFillIsTheScalarFill() {
        Random random = new Random(4);
        int n = 256 * 5;
        float[] x = new float[n + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() * (1 + i % 7);
        }
        // block 1: the largest magnitude twice, negative first (it sets the sign), and ties to round
        x[3 + 256 + 40] = -50f;
        x[3 + 256 + 90] = 50f;
        x[3 + 256 + 91] = 50f * 2.5f / 127f;
        // block 2: zeros, one negative; block 3: one non-zero value
        java.util.Arrays.fill(x, 3 + 512, 3 + 1024, 0f);
        x[3 + 600] = -0f;
        x[3 + 900] = 1e-3f;
        Activation.Q8_K vectors = Activation.Q8_K.allocate(n);
        Activation.Q8_K scalar = Activation.Q8_K.allocate(n);
        java.util.Arrays.fill(vectors.quants(), (byte) 9); // left-over contents must not matter
        java.util.Arrays.fill(vectors.sums16(), 9);
        for (int round = 0; round < 5_000; round++) { // until C2 has compiled the vector form
            assertThat(vectors.fillVectors(x, 3)).isTrue();
        }
        scalar.fillScalar(x, 3);
        assertThat(vectors.quants()).containsExactly(scalar.quants());
        assertThat(vectors.scales()).containsExactly(scalar.scales());
        assertThat(vectors.sums16()).containsExactly(scalar.sums16());
        for (int i = 0; i < n; i++) {
            assertThat(Float.floatToRawIntBits(vectors.values()[i])).as("value %d", i)
                    .isEqualTo(Float.floatToRawIntBits(scalar.values()[i]));
        }
        assertThat(scalar.scales()[1]).isEqualTo(50f / 127f); // the first of the largest, negative: scale = max / -127
        assertThat(scalar.quants()[256 + 40]).isEqualTo((byte) -127);
        assertThat(scalar.quants()[256 + 90]).isEqualTo((byte) 127);

        x[3 + 700] = Float.NaN; // the definition skips a NaN where a vector maximum would not
        assertThat(vectors.fillVectors(x, 3)).isFalse();
    }
}
