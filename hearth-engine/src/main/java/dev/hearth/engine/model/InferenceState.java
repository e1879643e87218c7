package dev.hearth.engine.model;

import dev.hearth.engine.tensor.Attention;

/**
 * One sequence's mutable state: the KV cache (per layer, F32: keys in {@link Attention}'s blocks,
 * values position-major), the last position's logits and hidden state, and its attention scores
 * scratch (the rest of a forward pass's scratch lives in the model's reusable workspaces). Not
 * thread-safe; one per sequence.
 */
public final class InferenceState {

    final int capacity;
    private final ModelConfig config;
    final float[][] keyCache;
    final float[][] valueCache;
    /** Attention scores of one position, per head (scratch of the forward pass). */
    final float[] scores;
    /** The last position's hidden state after the output norm. */
    final float[] hidden;
    final float[] logits;
    private int length;

    InferenceState(ModelConfig c, int capacity) {
        if (capacity < 1 || capacity > c.contextLength()) {
            throw new IllegalArgumentException("capacity must be in [1, " + c.contextLength() + "]: " + capacity);
        }
        this.capacity = capacity;
        this.config = c;
        int kvDim = c.keyValueDimension();
        keyCache = new float[c.blockCount()][Attention.keyCacheSize(capacity, kvDim)];
        valueCache = new float[c.blockCount()][capacity * kvDim];
        scores = new float[c.headCount() * Attention.scoreStride(capacity)];
        hidden = new float[c.embeddingLength()];
        logits = new float[c.vocabularySize()];
    }

    /** Tokens in the cache. */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /** Forgets the cache (the buffers are reused). */
    public void reset() {
        length = 0;
    }

    /** A copy of the last position's hidden state after the output norm. */
    public float[] hiddenState() {
        return hidden.clone();
    }

    /** A copy of the last position's logits. */
    public float[] logits() {
        return logits.clone();
    }

    /** The last position's logits, without a copy (overwritten by the next forward pass). */
    public float[] lastLogits() {
        return logits;
    }

    /**
     * Forgets every position from {@code length} on, keeping the cache before it (a shared prefix
     * reused by another request). The logits and hidden state are then stale until the next forward pass.
     */
    public void truncate(int length) {
        if (length < 0 || length > this.length) {
            throw new IllegalArgumentException("length must be in [0, " + this.length + "]: " + length);
        }
        this.length = length;
    }

    /**
     * A new state with room for {@code capacity} tokens whose cache starts with this state's first
     * {@code prefix} positions (a prefix cache hit: the new sequence feeds only what follows).
     */
    public InferenceState copyPrefix(int prefix, int capacity) {
        if (prefix < 0 || prefix > length) {
            throw new IllegalArgumentException("prefix must be in [0, " + length + "]: " + prefix);
        }
        if (capacity < prefix) {
            throw new IllegalArgumentException("capacity " + capacity + " is smaller than the prefix " + prefix);
        }
        InferenceState s = new InferenceState(config, capacity);
        copyCache(s, prefix);
        s.length = prefix;
        return s;
    }

    /**
     * An independent copy: the KV cache up to {@link #length()} and the last position's logits and
     * hidden state, so several sequences can continue one prefilled prompt (n choices) without
     * feeding it again.
     */
    public InferenceState copy() {
        InferenceState s = new InferenceState(config, capacity);
        copyCache(s, length);
        System.arraycopy(logits, 0, s.logits, 0, logits.length);
        System.arraycopy(hidden, 0, s.hidden, 0, hidden.length);
        s.length = length;
        return s;
    }

    private void copyCache(InferenceState to, int positions) {
        for (int l = 0; l < keyCache.length; l++) {
            Attention.copyKeys(keyCache[l], capacity, to.keyCache[l], to.capacity, positions, config.headCountKv(),
                    config.headSize());
            System.arraycopy(valueCache[l], 0, to.valueCache[l], 0, positions * config.keyValueDimension());
        }
    }

    void advance(int positions) {
        length += positions;
    }
}
