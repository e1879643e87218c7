package dev.hearth.engine.sampling;

import java.util.SplittableRandom;

/** Chooses the next token from logits. Not thread-safe (it owns its random generator); one per sequence. */
public sealed interface Sampler permits GreedySampler, RandomSampler {

    int sample(float[] logits);

    static Sampler of(SamplingParameters p) {
        return p.temperature() == 0f || p.topK() == 1
                ? new GreedySampler()
                : new RandomSampler(p, new SplittableRandom(p.seed()));
    }
}
