package dev.hearth.engine.model;

import dev.hearth.engine.tensor.Attention;
import dev.hearth.engine.tensor.RmsNorm;
import dev.hearth.engine.tensor.Rope;
import dev.hearth.engine.tensor.SwiGlu;
import dev.hearth.engine.tokenizer.Tokenizer;

/**
 * A decoder-only transformer of the Llama family ({@code llama}; {@code qwen2} adds q/k/v biases,
 * {@code qwen3} per-head q/k RMS norms), one token at a time against a KV cache, with grouped-query
 * attention. The computation follows llama.cpp's graph step by step (same rounding of inputs to the
 * weight type, same RoPE angles, same norms) so the two agree to float precision.
 */
public record Model(ModelConfig config, Tokenizer tokenizer, Weights weights) {

    /** A fresh state with room for {@code capacity} tokens. */
    public InferenceState newState(int capacity) {
        return new InferenceState(config, capacity);
    }

    private Rope rope() {
        return new Rope(config.ropeStyle(), config.ropeDimensions(), config.ropeFreqBase(), weights.ropeFreqFactors());
    }

    /** Feeds {@code tokens} in order; returns the logits after the last one. */
    public float[] ingest(InferenceState s, int[] tokens) {
        for (int token : tokens) {
            forward(s, token);
        }
        return s.logits;
    }

    /**
     * One forward pass over several sequences at once: each step's tokens are appended to its
     * state, and afterwards each state's {@link InferenceState#lastLogits()} holds the logits after
     * its last token. The states must be distinct and each must have room for its tokens.
     * Sequences join and leave between calls; each keeps its own KV cache and position.
     */
    public void forward(java.util.List<Step> steps) {
        java.util.Set<InferenceState> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Step step : steps) {
            if (!seen.add(step.state())) {
                throw new IllegalArgumentException("a state appears twice in one batch");
            }
            if (step.state().length() + step.tokens().length > step.state().capacity) {
                throw new IllegalStateException("KV cache full: " + step.state().capacity + " tokens");
            }
        }
        // reference implementation: sequence by sequence, token by token
        for (Step step : steps) {
            int[] tokens = step.tokens();
            for (int i = 0; i < tokens.length; i++) {
                float[] logits = forward(step.state(), tokens[i]);
                if (step.sink() != null) {
                    step.sink().accept(i, logits);
                }
            }
        }
    }

    /**
     * Appends {@code token} at position {@code s.length()} and computes the next-token logits
     * (returned array is the state's buffer, overwritten by the next call).
     */
    public float[] forward(InferenceState s, int token) {
        ModelConfig c = config;
        int position = s.length();
        if (position >= s.capacity) {
            throw new IllegalStateException("KV cache full: " + s.capacity + " tokens");
        }
        if (token < 0 || token >= c.vocabularySize()) {
            throw new IllegalArgumentException("token id out of range: " + token);
        }
        int embd = c.embeddingLength();
        int headSize = c.headSize();
        int kvDim = c.keyValueDimension();
        float attentionScale = (float) (1.0 / Math.sqrt(headSize));
        Rope rope = rope();
        float[] angles = rope.angles(position);

        weights.tokenEmbedding().dequantize((long) token * embd, s.x, 0, embd);

        for (int l = 0; l < c.blockCount(); l++) {
            LayerWeights w = weights.layers().get(l);
            RmsNorm.apply(s.xb, s.x, w.attentionNorm(), c.rmsNormEpsilon());

            w.query().matVec(s.xb, s.q, c.queryDimension(), embd);
            w.key().matVec(s.xb, s.k, kvDim, embd);
            w.value().matVec(s.xb, s.v, kvDim, embd);
            if (c.qkvBias()) {
                add(s.q, w.queryBias());
                add(s.k, w.keyBias());
                add(s.v, w.valueBias());
            }
            if (c.qkNorm()) {
                for (int h = 0; h < c.headCount(); h++) {
                    RmsNorm.apply(s.q, h * headSize, s.q, h * headSize, w.queryNorm(), headSize, c.rmsNormEpsilon());
                }
                for (int h = 0; h < c.headCountKv(); h++) {
                    RmsNorm.apply(s.k, h * headSize, s.k, h * headSize, w.keyNorm(), headSize, c.rmsNormEpsilon());
                }
            }
            rope.apply(s.q, 0, c.headCount(), headSize, angles);
            rope.apply(s.k, 0, c.headCountKv(), headSize, angles);
            System.arraycopy(s.k, 0, s.keyCache[l], position * kvDim, kvDim);
            System.arraycopy(s.v, 0, s.valueCache[l], position * kvDim, kvDim);

            Attention.apply(s.q, s.keyCache[l], s.valueCache[l], position, c.headCount(), c.headCountKv(), headSize,
                    attentionScale, s.scores, s.attention);

            w.attentionOutput().matVec(s.attention, s.xb, embd, c.queryDimension());
            add(s.x, s.xb);

            RmsNorm.apply(s.xb, s.x, w.feedForwardNorm(), c.rmsNormEpsilon());
            w.gate().matVec(s.xb, s.gate, c.feedForwardLength(), embd);
            w.up().matVec(s.xb, s.up, c.feedForwardLength(), embd);
            SwiGlu.apply(s.gate, s.up, c.feedForwardLength());
            w.down().matVec(s.gate, s.hiddenB, embd, c.feedForwardLength());
            add(s.x, s.hiddenB);
        }

        RmsNorm.apply(s.hidden, s.x, weights.outputNorm(), c.rmsNormEpsilon());
        weights.output().matVec(s.hidden, s.logits, c.vocabularySize(), embd);
        s.advance();
        return s.logits;
    }

    private static void add(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }
}
