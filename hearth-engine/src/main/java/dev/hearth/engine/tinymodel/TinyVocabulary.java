package dev.hearth.engine.tinymodel;

import dev.hearth.engine.gguf.GgufArray;
import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.gguf.GgufValue;
import dev.hearth.engine.gguf.GgufValueType;
import dev.hearth.engine.tokenizer.PreTokenizer;
import dev.hearth.engine.tokenizer.TokenType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code tokenizer.*} metadata a tiny model carries: either copied from a real vocabulary GGUF
 * (so the model has a real tokenizer and chat template) or a small self-trained byte-level BPE
 * vocabulary, so tests that do not use the shared fixtures stay self-contained.
 */
public record TinyVocabulary(Map<String, GgufValue> entries) {

    /** The built-in vocabulary's special tokens, in id order after the learned tokens. */
    public static final List<String> BUILT_IN_SPECIAL_TOKENS = List.of(
            "<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>");

    /** A minimal Llama-3-style template for the built-in vocabulary. */
    public static final String BUILT_IN_CHAT_TEMPLATE = "{{ bos_token }}{% for message in messages %}"
            + "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim"
            + " + '<|eot_id|>' }}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

    public TinyVocabulary {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        if (!entries.containsKey("tokenizer.ggml.tokens")) {
            throw new IllegalArgumentException("a vocabulary needs tokenizer.ggml.tokens");
        }
    }

    /** Every {@code tokenizer.*} entry of a vocabulary GGUF, e.g. {@code ggml-vocab-llama-bpe.gguf}. */
    public static TinyVocabulary fromGguf(Path vocabularyFile) throws IOException {
        try (GgufFile file = GgufFile.open(vocabularyFile)) {
            Map<String, GgufValue> entries = new LinkedHashMap<>();
            file.metadata().entries().forEach((key, value) -> {
                if (key.startsWith("tokenizer.")) {
                    entries.put(key, value);
                }
            });
            return new TinyVocabulary(entries);
        }
    }

    /**
     * A byte-level BPE vocabulary ({@code model = gpt2}, {@code pre = llama-bpe}) learned from a
     * built-in English text: 256 byte tokens, up to {@code merges} merged tokens, then the Llama 3
     * special tokens as control tokens; BOS {@code <|begin_of_text|>}, EOS/EOT {@code <|eot_id|>}.
     */
    public static TinyVocabulary byteLevelBpe(int merges) {
        PreTokenizer pre = PreTokenizer.forName("llama-bpe");
        ByteLevelBpeTrainer.Result trained = ByteLevelBpeTrainer.train(TrainingText.ENGLISH, pre, merges);
        List<String> tokens = new ArrayList<>(trained.tokens());
        int firstSpecial = tokens.size();
        tokens.addAll(BUILT_IN_SPECIAL_TOKENS);
        int[] types = new int[tokens.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = (i < firstSpecial ? TokenType.NORMAL : TokenType.CONTROL).ordinal();
        }
        Map<String, GgufValue> entries = new LinkedHashMap<>();
        entries.put("tokenizer.ggml.model", GgufValue.ofString("gpt2"));
        entries.put("tokenizer.ggml.pre", GgufValue.ofString(pre.name()));
        entries.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings(tokens.toArray(String[]::new))));
        entries.put("tokenizer.ggml.token_type", GgufValue.ofArray(GgufArray.ofInt32(types)));
        entries.put("tokenizer.ggml.merges",
                GgufValue.ofArray(GgufArray.ofStrings(trained.merges().toArray(String[]::new))));
        entries.put("tokenizer.ggml.bos_token_id", GgufValue.ofUint32(firstSpecial));
        entries.put("tokenizer.ggml.eos_token_id", GgufValue.ofUint32(firstSpecial + 4));
        entries.put("tokenizer.ggml.eot_token_id", GgufValue.ofUint32(firstSpecial + 4));
        entries.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(true));
        entries.put("tokenizer.chat_template", GgufValue.ofString(BUILT_IN_CHAT_TEMPLATE));
        return new TinyVocabulary(entries);
    }

    /** The same vocabulary with {@code tokenizer.chat_template} set (e.g. from a fixture .jinja file). */
    public TinyVocabulary withChatTemplate(String template) {
        Map<String, GgufValue> copy = new LinkedHashMap<>(entries);
        copy.put("tokenizer.chat_template", GgufValue.ofString(template));
        return new TinyVocabulary(copy);
    }

    /**
     * The same vocabulary grown to {@code size} tokens with unused {@code [PAD<id>]} tokens, as
     * llama.cpp's converter pads a vocabulary to the model's embedding rows (Qwen2.5: 151,665 tokens
     * in 151,936 rows); for benchmarks at real vocabulary sizes.
     */
    public TinyVocabulary paddedTo(int size) {
        String[] tokens = (String[]) ((GgufArray) entries.get("tokenizer.ggml.tokens").value()).values();
        if (size < tokens.length) {
            throw new IllegalArgumentException("the vocabulary already has " + tokens.length + " tokens, more than " + size);
        }
        java.util.Set<String> taken = new java.util.HashSet<>(java.util.Arrays.asList(tokens));
        String[] padded = java.util.Arrays.copyOf(tokens, size);
        for (int i = tokens.length; i < size; i++) {
            String pad = "[PAD" + i + "]";
            if (!taken.add(pad)) {
                throw new IllegalArgumentException("the vocabulary already holds " + pad);
            }
            padded[i] = pad;
        }
        Map<String, GgufValue> copy = new LinkedHashMap<>(entries);
        copy.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings(padded)));
        GgufValue types = entries.get("tokenizer.ggml.token_type");
        if (types != null) {
            int[] old = (int[]) ((GgufArray) types.value()).values();
            int[] grown = java.util.Arrays.copyOf(old, size);
            java.util.Arrays.fill(grown, old.length, size, TokenType.UNUSED.ordinal());
            copy.put("tokenizer.ggml.token_type", GgufValue.ofArray(GgufArray.ofInt32(grown)));
        }
        return new TinyVocabulary(copy);
    }

    public int size() {
        GgufArray tokens = (GgufArray) entries.get("tokenizer.ggml.tokens").value();
        if (tokens.elementType() != GgufValueType.STRING) {
            throw new IllegalStateException("tokenizer.ggml.tokens is not a string array");
        }
        return tokens.length();
    }
}
