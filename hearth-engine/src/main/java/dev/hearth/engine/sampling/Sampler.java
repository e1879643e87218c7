package dev.hearth.engine.sampling;

import java.util.SplittableRandom;

/** Chooses the next token from logits; an extension point (constrained decoding, scripted tests). One per sequence. */
public interface Sampler {

    int sample(float[] logits);

    static Sampler of(SamplingParameters p) {
        return p.temperature() == 0f || p.topK() == 1
                ? new GreedySampler()
                : new RandomSampler(p, new SplittableRandom(p.seed()));
    }
}
