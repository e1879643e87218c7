package dev.hearth.engine.tokenizer;

import dev.hearth.engine.gguf.GgufMetadata;

/**
 * Ids of the tokens with a role (-1 when the vocabulary has none) and whether BOS/EOS are added
 * when encoding with {@code addSpecial}.
 */
public record SpecialTokens(int bos, int eos, int eot, int unknown, int padding, boolean addBos, boolean addEos) {

    /** End-of-generation ids, EOT first: generation stops at any of them. */
    public int[] endOfGeneration() {
        if (eot >= 0 && eos >= 0 && eot != eos) {
            return new int[] {eot, eos};
        }
        return eot >= 0 ? new int[] {eot} : eos >= 0 ? new int[] {eos} : new int[0];
    }

    static SpecialTokens fromMetadata(GgufMetadata m, Vocabulary vocabulary, boolean defaultAddBos) {
        int eot = id(m, "tokenizer.ggml.eot_token_id", vocabulary);
        if (eot < 0) {
            // llama.cpp guesses EOT from well-known token texts when the key is absent
            for (String text : new String[] {"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
                    "<EOT>", "<|end_of_text|>", "<end_of_utterance>"}) {
                int id = vocabulary.id(text);
                if (id >= 0 && vocabulary.type(id) == TokenType.CONTROL) {
                    eot = id;
                    break;
                }
            }
        }
        return new SpecialTokens(
                id(m, "tokenizer.ggml.bos_token_id", vocabulary),
                id(m, "tokenizer.ggml.eos_token_id", vocabulary),
                eot,
                id(m, "tokenizer.ggml.unknown_token_id", vocabulary),
                id(m, "tokenizer.ggml.padding_token_id", vocabulary),
                m.getBoolean("tokenizer.ggml.add_bos_token").orElse(defaultAddBos),
                m.getBoolean("tokenizer.ggml.add_eos_token").orElse(false));
    }

    private static int id(GgufMetadata m, String key, Vocabulary vocabulary) {
        int id = m.getLong(key).map(Long::intValue).orElse(-1);
        return id >= 0 && id < vocabulary.size() ? id : -1;
    }
}
