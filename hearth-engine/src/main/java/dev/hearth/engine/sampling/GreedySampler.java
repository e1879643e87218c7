package dev.hearth.engine.sampling;

/** The most likely token; the lowest id wins a tie, as llama.cpp's greedy sampler does. */
public record GreedySampler() implements Sampler {

    @Override
    public int sample(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
