package dev.hearth.engine.tokenizer;

import dev.hearth.engine.gguf.GgufMetadata;
import java.nio.charset.StandardCharsets;

/** Text ↔ token ids for one vocabulary. Implementations are immutable and thread-safe. */
public interface Tokenizer {

    /**
     * The tokenizer described by a GGUF file's {@code tokenizer.ggml.*} metadata: byte-level BPE for
     * {@code model = gpt2}, SentencePiece for {@code model = llama}, WordPiece for {@code model = bert}.
     *
     * @throws IllegalArgumentException when the model or pre-tokenizer is not supported
     */
    static Tokenizer fromMetadata(GgufMetadata metadata) {
        String model = metadata.getString("tokenizer.ggml.model")
                .orElseThrow(() -> new IllegalArgumentException("metadata has no tokenizer.ggml.model"));
        return switch (model) {
            case "gpt2" -> BytePairTokenizer.fromMetadata(metadata);
            case "llama" -> SentencePieceTokenizer.fromMetadata(metadata);
            case "bert" -> WordPieceTokenizer.fromMetadata(metadata);
            default -> throw new IllegalArgumentException("unsupported tokenizer.ggml.model '" + model
                    + "' (supported: gpt2, llama, bert)");
        };
    }

    Vocabulary vocabulary();

    SpecialTokens specialTokens();

    /**
     * Token ids for {@code text}.
     *
     * @param addSpecial add BOS/EOS as the vocabulary asks ({@code add_bos_token}, {@code add_eos_token})
     * @param parseSpecial recognise control tokens such as {@code <|eot_id|>} written in the text;
     *     leave false for untrusted input
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /** The bytes token {@code id} stands for; control tokens give their text only if {@code renderSpecial}. */
    byte[] tokenBytes(int id, boolean renderSpecial);

    /**
     * Whether decoding drops one space at the start of the first non-control token: SentencePiece
     * (with {@code add_space_prefix}) and WordPiece put a space before the text they encode.
     */
    default boolean removesLeadingSpace() {
        return false;
    }

    /** Text for a whole sequence of ids (see {@link #removesLeadingSpace()}). */
    default String decode(int[] ids, boolean renderSpecial) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        boolean strip = removesLeadingSpace();
        for (int id : ids) {
            byte[] piece = tokenBytes(id, renderSpecial);
            if (strip && vocabulary().type(id) != TokenType.CONTROL) {
                if (piece.length > 0 && piece[0] == ' ') {
                    piece = java.util.Arrays.copyOfRange(piece, 1, piece.length);
                }
                strip = false;
            }
            out.writeBytes(piece);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    default String decode(int[] ids) {
        return decode(ids, false);
    }
}
