package dev.hearth.engine.model;

import java.util.Objects;

/**
 * One sequence's share of a batched forward pass ({@link Model#forward(java.util.List)}): feed
 * {@code tokens} to {@code state} at positions {@code state.length()} onwards. A decoding sequence
 * feeds one token, a prefilling one a chunk of its prompt.
 *
 * @param sink when not null, receives the logits after every fed token (prompt log-probabilities);
 *     otherwise only the last position's logits are computed, into {@link InferenceState#lastLogits()}
 */
public record Step(InferenceState state, int[] tokens, PositionLogits sink) {

    public Step {
        Objects.requireNonNull(state, "state");
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a step feeds at least one token");
        }
    }

    public static Step of(InferenceState state, int... tokens) {
        return new Step(state, tokens, null);
    }

    /** Receives the logits after the {@code index}-th token of a step (the array is reused after the call). */
    @FunctionalInterface
    public interface PositionLogits {
        void accept(int index, float[] logits);
    }
}
