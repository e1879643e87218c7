package dev.hearth.engine.model;

import dev.hearth.engine.tensor.FloatTensor;

/**
 * One transformer block. Norm weights and biases are small and read on every token, so they are
 * dequantized into arrays; the biases, q/k norms and post-norms (Gemma's norms on the attention and
 * feed-forward outputs) are null where the architecture has none.
 */
public record LayerWeights(
        float[] attentionNorm,
        FloatTensor query,
        FloatTensor key,
        FloatTensor value,
        float[] queryBias,
        float[] keyBias,
        float[] valueBias,
        float[] queryNorm,
        float[] keyNorm,
        FloatTensor attentionOutput,
        float[] feedForwardNorm,
        FloatTensor gate,
        FloatTensor up,
        FloatTensor down,
        float[] postAttentionNorm,
        float[] postFeedForwardNorm) {}
