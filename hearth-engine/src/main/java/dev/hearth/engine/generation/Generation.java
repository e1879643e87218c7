package dev.hearth.engine.generation;

/** The outcome of one generation: the new tokens (without the end token), their text, and why it ended. */
public record Generation(int[] tokens, String text, FinishReason finishReason, int promptTokens) {

    public Generation {
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }
}
