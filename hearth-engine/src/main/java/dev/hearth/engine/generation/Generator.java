package dev.hearth.engine.generation;

import dev.hearth.engine.model.InferenceState;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.sampling.Sampler;
import dev.hearth.engine.tokenizer.StreamingDetokenizer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Single-sequence text generation: feed the prompt, then sample, stream and feed back one token at
 * a time until an end-of-generation token, the token budget or the model's context ends it.
 */
public final class Generator {

    private final Model model;

    public Generator(Model model) {
        this.model = model;
    }

    /**
     * @param prompt token ids, usually from {@code tokenizer.encode(chatPrompt, true, true)}
     * @param maxTokens most tokens to generate
     * @param onText receives the text as it becomes complete (UTF-8 safe), possibly in empty pieces
     */
    public Generation generate(int[] prompt, int maxTokens, Sampler sampler, Consumer<String> onText) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt needs at least one token");
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must not be negative: " + maxTokens);
        }
        int capacity = (int) Math.min(model.config().contextLength(), (long) prompt.length + maxTokens);
        if (prompt.length > capacity || prompt.length >= model.config().contextLength()) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens does not fit the context of "
                    + model.config().contextLength());
        }
        InferenceState state = model.newState(capacity);
        float[] logits = model.ingest(state, prompt);
        StreamingDetokenizer detokenizer = new StreamingDetokenizer(model.tokenizer(), false);
        StringBuilder text = new StringBuilder();
        int[] generated = new int[maxTokens];
        int count = 0;
        FinishReason reason = FinishReason.LENGTH;
        while (count < maxTokens) {
            int token = sampler.sample(logits);
            if (model.tokenizer().specialTokens().isEndOfGeneration(token)) {
                reason = FinishReason.STOP;
                break;
            }
            generated[count++] = token;
            emit(detokenizer.accept(token), text, onText);
            if (count == maxTokens || state.length() == capacity) {
                break; // budget or context exhausted: no need to feed the last token back
            }
            logits = model.forward(state, token);
        }
        emit(detokenizer.finish(), text, onText);
        return new Generation(Arrays.copyOf(generated, count), text.toString(), reason, prompt.length);
    }

    private static void emit(String piece, StringBuilder text, Consumer<String> onText) {
        text.append(piece);
        if (!piece.isEmpty()) {
            onText.accept(piece);
        }
    }
}
