package dev.hearth.engine.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Temperature, then top-k, top-p (nucleus) and min-p on the tempered distribution (the order of
 * Hugging Face's logits warpers and the OpenAI definition of top_p), then one draw.
 */
public final class RandomSampler implements Sampler {

    private final SamplingParameters parameters;
    private final SplittableRandom random;

    RandomSampler(SamplingParameters parameters, SplittableRandom random) {
        this.parameters = parameters;
        this.random = random;
    }

    @Override
    public int sample(float[] logits) {
        int n = logits.length;
        // candidates sorted by logit, descending, lower id first among equals: one long per token,
        // an int that orders like the float (flipped for descending) in the high half, the id below
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            int ascending = bits >= 0 ? bits : bits ^ 0x7fffffff;
            order[i] = ((long) ~ascending << 32) | (i & 0xffffffffL);
        }
        Arrays.sort(order);
        int kept = parameters.topK() > 0 ? Math.min(parameters.topK(), n) : n;
        double[] probabilities = new double[kept];
        double max = logits[id(order[0])] / parameters.temperature();
        double sum = 0;
        for (int i = 0; i < kept; i++) {
            probabilities[i] = Math.exp(logits[id(order[i])] / parameters.temperature() - max);
            sum += probabilities[i];
        }
        // top-p: smallest prefix reaching p; min-p: relative to the most likely
        double cumulative = 0;
        double floor = parameters.minP() * probabilities[0];
        int cut = kept;
        for (int i = 0; i < kept; i++) {
            if (probabilities[i] < floor) {
                cut = i;
                break;
            }
            cumulative += probabilities[i] / sum;
            if (cumulative >= parameters.topP()) {
                cut = i + 1;
                break;
            }
        }
        double total = 0;
        for (int i = 0; i < cut; i++) {
            total += probabilities[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < cut; i++) {
            r -= probabilities[i];
            if (r < 0) {
                return id(order[i]);
            }
        }
        return id(order[cut - 1]);
    }

    private static int id(long packed) {
        return (int) packed;
    }
}
