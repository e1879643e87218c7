package dev.hearth.engine.tokenizer;

import dev.hearth.engine.gguf.GgufMetadata;
import java.util.List;

/**
 * Ids of the tokens with a role (-1 when the vocabulary has none), whether BOS/EOS are added when
 * encoding with {@code addSpecial}, and every token that ends generation.
 */
public record SpecialTokens(int bos, int eos, int eot, int unknown, int padding, boolean addBos, boolean addEos,
        List<Integer> endOfGenerationIds) {

    /**
     * Token texts llama.cpp treats as end of generation wherever they occur (llama-vocab.cpp). Not
     * {@code <|end_of_text|>}: the llama.cpp we test against keeps generating after it unless it is
     * the EOS token (which it is in Llama 3 and Granite files).
     */
    static final List<String> END_OF_GENERATION_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>",
            "<|call|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>", "<end_of_utterance>");

    public SpecialTokens {
        endOfGenerationIds = List.copyOf(endOfGenerationIds);
    }

    /** Roles only; end of generation is then EOT and EOS. */
    public SpecialTokens(int bos, int eos, int eot, int unknown, int padding, boolean addBos, boolean addEos) {
        this(bos, eos, eot, unknown, padding, addBos, addEos,
                java.util.stream.IntStream.of(eot, eos).filter(id -> id >= 0).distinct().boxed().toList());
    }

    /** End-of-generation ids: generation stops at any of them. */
    public int[] endOfGeneration() {
        return endOfGenerationIds.stream().mapToInt(Integer::intValue).toArray();
    }

    public boolean isEndOfGeneration(int id) {
        return endOfGenerationIds.contains(id);
    }

    static SpecialTokens fromMetadata(GgufMetadata m, Vocabulary vocabulary, boolean defaultAddBos) {
        int eot = id(m, "tokenizer.ggml.eot_token_id", vocabulary);
        if (eot < 0) {
            // llama.cpp guesses EOT from well-known token texts when the key is absent
            for (String text : new String[] {"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
                    "<EOT>", "_<EOT>", "<｜end▁of▁sentence｜>", "<end_of_utterance>"}) {
                int id = vocabulary.id(text);
                if (id >= 0) {
                    eot = id;
                    break;
                }
            }
        }
        int eos = id(m, "tokenizer.ggml.eos_token_id", vocabulary);
        // llama.cpp: EOT, EOS, EOM and every token with one of the well-known end texts
        java.util.LinkedHashSet<Integer> endOfGeneration = new java.util.LinkedHashSet<>();
        for (int id : new int[] {eot, eos, id(m, "tokenizer.ggml.eom_token_id", vocabulary)}) {
            if (id >= 0) {
                endOfGeneration.add(id);
            }
        }
        for (String text : END_OF_GENERATION_TEXTS) {
            int id = vocabulary.id(text);
            if (id >= 0) {
                endOfGeneration.add(id);
            }
        }
        return new SpecialTokens(
                id(m, "tokenizer.ggml.bos_token_id", vocabulary),
                eos,
                eot,
                id(m, "tokenizer.ggml.unknown_token_id", vocabulary),
                id(m, "tokenizer.ggml.padding_token_id", vocabulary),
                m.getBoolean("tokenizer.ggml.add_bos_token").orElse(defaultAddBos),
                m.getBoolean("tokenizer.ggml.add_eos_token").orElse(false),
                List.copyOf(endOfGeneration));
    }

    private static int id(GgufMetadata m, String key, Vocabulary vocabulary) {
        int id = m.getLong(key).map(Long::intValue).orElse(-1);
        return id >= 0 && id < vocabulary.size() ? id : -1;
    }
}
