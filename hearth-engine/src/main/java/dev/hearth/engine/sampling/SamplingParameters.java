package dev.hearth.engine.sampling;

/**
 * How the next token is chosen, in OpenAI terms plus llama.cpp's usual extras.
 *
 * @param temperature 0 for greedy (argmax); otherwise logits are divided by it
 * @param topK keep only the k most likely tokens (0 = off)
 * @param topP keep the smallest set of most likely tokens whose probability reaches p (1 = off)
 * @param minP drop tokens less likely than {@code minP} times the most likely one (0 = off)
 * @param seed random seed, so a request can be replayed
 */
public record SamplingParameters(float temperature, int topK, float topP, float minP, long seed) {

    public SamplingParameters {
        if (!(temperature >= 0) || topK < 0 || !(topP > 0 && topP <= 1) || !(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("invalid sampling parameters: temperature " + temperature
                    + ", top_k " + topK + ", top_p " + topP + ", min_p " + minP);
        }
    }

    public static SamplingParameters greedy() {
        return new SamplingParameters(0f, 0, 1f, 0f, 0);
    }

    /** OpenAI defaults: temperature 1, top_p 1. */
    public static SamplingParameters of(float temperature, float topP, long seed) {
        return new SamplingParameters(temperature, 0, topP, 0f, seed);
    }
}
