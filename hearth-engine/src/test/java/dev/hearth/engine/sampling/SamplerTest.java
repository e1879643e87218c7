package dev.hearth.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SamplerTest {

    static final float[] LOGITS = {1f, 3f, 2f, -1f, 3f}; // ids 1 and 4 tie for the top

    @Test
    void greedyTakesTheLowestIdAmongTheBest() {
        assertThat(Sampler.of(SamplingParameters.greedy()).sample(LOGITS)).isEqualTo(1);
        assertThat(Sampler.of(new SamplingParameters(1f, 1, 1f, 0f, 3)).sample(LOGITS)).isEqualTo(1);
    }

    @Test
    void samplesFollowTheTemperedDistribution() {
        float[] logits = {0f, (float) Math.log(2), (float) Math.log(5)}; // probabilities 1/8, 2/8, 5/8
        int[] counts = draw(SamplingParameters.of(1f, 1f, 42), logits, 40_000);
        assertThat(counts[0] / 40_000.0).isCloseTo(1 / 8.0, within(0.01));
        assertThat(counts[1] / 40_000.0).isCloseTo(2 / 8.0, within(0.01));
        assertThat(counts[2] / 40_000.0).isCloseTo(5 / 8.0, within(0.01));
        // temperature 0.5 squares the ratios: 1, 4, 25
        int[] cold = draw(SamplingParameters.of(0.5f, 1f, 42), logits, 40_000);
        assertThat(cold[2] / 40_000.0).isCloseTo(25 / 30.0, within(0.01));
    }

    @Test
    void topKTopPAndMinPCutTheTail() {
        float[] logits = {0f, (float) Math.log(2), (float) Math.log(5)};
        assertThat(draw(new SamplingParameters(1f, 2, 1f, 0f, 1), logits, 5000)[0]).isZero();
        assertThat(draw(SamplingParameters.of(1f, 0.6f, 1), logits, 5000)).containsExactly(0, 0, 5000); // 5/8 >= 0.6
        assertThat(draw(SamplingParameters.of(1f, 0.8f, 1), logits, 5000)[0]).isZero(); // 5/8 + 2/8 >= 0.8
        assertThat(draw(new SamplingParameters(1f, 0, 1f, 0.3f, 1), logits, 5000)[0]).isZero(); // 1/5 < 0.3
    }

    @Test
    void ordersNegativeAndPositiveLogitsCorrectly() {
        float[] logits = {-3f, -1f, -2f, -10f, -0f, 0.5f, -0.5f};
        int[] counts = draw(new SamplingParameters(1f, 3, 1f, 0f, 5), logits, 5000);
        assertThat(counts[5] + counts[4] + counts[6]).isEqualTo(5000); // 0.5, -0, -0.5 are the top three
        assertThat(counts[5]).isGreaterThan(counts[4]);
        assertThat(counts[4]).isGreaterThan(counts[6]);
    }

    @Test
    void sameSeedSameTokens() {
        float[] logits = new float[1000];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.sin(i);
        }
        Sampler a = Sampler.of(SamplingParameters.of(0.8f, 0.95f, 7));
        Sampler b = Sampler.of(SamplingParameters.of(0.8f, 0.95f, 7));
        for (int i = 0; i < 50; i++) {
            assertThat(a.sample(logits)).isEqualTo(b.sample(logits));
        }
    }

    @Test
    void rejectsInvalidParameters() {
        assertThatThrownBy(() -> SamplingParameters.of(-1f, 1f, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> SamplingParameters.of(1f, 0f, 0)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> SamplingParameters.of(Float.NaN, 1f, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    static int[] draw(SamplingParameters p, float[] logits, int n) {
        Sampler s = Sampler.of(p);
        int[] counts = new int[logits.length];
        for (int i = 0; i < n; i++) {
            counts[s.sample(logits)]++;
        }
        return counts;
    }
}
