package dev.hearth.engine.tokenizer;

import dev.hearth.engine.gguf.GgufMetadata;
import java.util.HashMap;
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
        return new Vocabulary(tokens, types, scores);
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
