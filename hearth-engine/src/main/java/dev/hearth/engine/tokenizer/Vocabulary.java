package dev.hearth.engine.tokenizer;

import dev.hearth.engine.gguf.GgufMetadata;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Token texts, types and (for SentencePiece) scores, from {@code tokenizer.ggml.tokens},
 * {@code token_type} and {@code scores}. Text to id lookup keeps the last id of a duplicated text,
 * as llama.cpp does.
 */
public final class Vocabulary {

    private final String[] tokens;
    private final TokenType[] types;
    private final float[] scores;
    private final Map<String, Integer> ids;
    private final BitSet stripsLeft = new BitSet();
    private final BitSet stripsRight = new BitSet();

    public Vocabulary(String[] tokens, TokenType[] types, float[] scores) {
        if (types.length != tokens.length || (scores != null && scores.length != tokens.length)) {
            throw new IllegalArgumentException("tokens, types and scores differ in length");
        }
        this.tokens = tokens;
        this.types = types;
        this.scores = scores;
        this.ids = HashMap.newHashMap(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            ids.put(tokens[i], i);
        }
    }

    static Vocabulary fromMetadata(GgufMetadata m) {
        String[] tokens = m.getStringArray("tokenizer.ggml.tokens")
                .orElseThrow(() -> new IllegalArgumentException("metadata has no tokenizer.ggml.tokens"));
        int[] rawTypes = m.getIntArray("tokenizer.ggml.token_type").orElse(null);
        TokenType[] types = new TokenType[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            types[i] = rawTypes == null ? TokenType.NORMAL : TokenType.byId(i < rawTypes.length ? rawTypes[i] : 1);
        }
        float[] scores = m.getFloatArray("tokenizer.ggml.scores").orElse(null);
        if (scores != null && scores.length != tokens.length) {
            throw new IllegalArgumentException("tokenizer.ggml.scores has " + scores.length + " entries for "
                    + tokens.length + " tokens");
        }
        Vocabulary vocabulary = new Vocabulary(tokens, types, scores);
        vocabulary.setStripAttributes(m);
        return vocabulary;
    }

    /**
     * llama.cpp sets LSTRIP/RSTRIP on some special tokens by model name (llama-vocab.cpp): a matched
     * token then swallows the whitespace on that side. Phi-3 chat prompts depend on it.
     */
    private void setStripAttributes(GgufMetadata m) {
        String name = m.getString("general.name").orElse("").toLowerCase(Locale.ROOT);
        String pre = m.getString("tokenizer.ggml.pre").orElse("");
        String arch = m.getString("general.architecture").orElse("");
        if (containsAny(pre, "jina-v2-de", "jina-v2-es", "jina-v2-code")
                || containsAny(arch, "nomic-bert-moe", "jina-bert-v3")) {
            set(stripsLeft, "<mask>", true);
        } else if (containsAny(name, "phi-3", "phi3")) {
            for (int id = 0; id < tokens.length; id++) {
                if (types[id].isSpecial()) {
                    stripsRight.set(id);
                }
            }
            set(stripsRight, "</s>", true);
            for (String text : List.of("<unk>", "<s>", "<|endoftext|>")) {
                set(stripsRight, text, false);
            }
        }
    }

    private void set(BitSet bits, String text, boolean value) {
        int id = id(text);
        if (id >= 0) {
            bits.set(id, value);
        }
    }

    private static boolean containsAny(String haystack, String... needles) {
        for (String needle : needles) {
            if (haystack.contains(needle)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a recognised special token swallows the ASCII whitespace before it. */
    public boolean stripsLeft(int id) {
        return stripsLeft.get(id);
    }

    /** Whether a recognised special token swallows the ASCII whitespace after it. */
    public boolean stripsRight(int id) {
        return stripsRight.get(id);
    }

    public int size() {
        return tokens.length;
    }

    public String text(int id) {
        return tokens[id];
    }

    public TokenType type(int id) {
        return types[id];
    }

    public float score(int id) {
        return scores == null ? 0f : scores[id];
    }

    /** The id of the token with exactly this text, or -1. */
    public int id(String text) {
        Integer id = ids.get(text);
        return id == null ? -1 : id;
    }
}
