package dev.hearth.engine.tokenizer;

import dev.hearth.engine.gguf.GgufMetadata;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * WordPiece ({@code tokenizer.ggml.model = bert}), as llama.cpp's {@code llm_tokenizer_wpm}: NFD,
 * lower case, control characters and accents (non-spacing marks) dropped, split at whitespace, punctuation, ASCII symbols and CJK
 * ideographs; then each word, prefixed with '▁' (how the GGUF converter marks word starts instead
 * of BERT's '##' on continuations), is matched greedily longest-first; a word with any unmatched
 * remainder becomes the unknown token.
 */
public final class WordPieceTokenizer implements Tokenizer {

    private final Vocabulary vocabulary;
    private final SpecialTokens specialTokens;
    private final SpecialTokenSplitter splitter;
    private final int maxTokenLength;

    public WordPieceTokenizer(Vocabulary vocabulary, SpecialTokens specialTokens) {
        this.vocabulary = vocabulary;
        this.specialTokens = specialTokens;
        this.splitter = new SpecialTokenSplitter(vocabulary);
        int max = 0;
        for (int i = 0; i < vocabulary.size(); i++) {
            max = Math.max(max, vocabulary.text(i).length());
        }
        this.maxTokenLength = max;
    }

    static WordPieceTokenizer fromMetadata(GgufMetadata m) {
        Vocabulary vocabulary = Vocabulary.fromMetadata(m);
        SpecialTokens s = SpecialTokens.fromMetadata(m, vocabulary, true);
        // BERT wraps a text in [CLS] ... [SEP]: llama.cpp takes them as BOS and EOS
        int cls = m.getInt("tokenizer.ggml.cls_token_id").orElse(s.bos());
        int sep = m.getInt("tokenizer.ggml.seperator_token_id").orElse(s.eos());
        return new WordPieceTokenizer(vocabulary,
                new SpecialTokens(cls, sep, s.eot(), s.unknown(), s.padding(), true, true, s.endOfGenerationIds()));
    }

    @Override
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public SpecialTokens specialTokens() {
        return specialTokens;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList();
        if (addSpecial && specialTokens.bos() >= 0) {
            out.add(specialTokens.bos());
        }
        for (SpecialTokenSplitter.Fragment fragment : splitter.split(text, parseSpecial)) {
            if (fragment.isToken()) {
                out.add(fragment.token());
                continue;
            }
            for (String word : words(fragment.text())) {
                encodeWord(SentencePieceTokenizer.SPACE + word, out);
            }
        }
        if (addSpecial && specialTokens.eos() >= 0) {
            out.add(specialTokens.eos());
        }
        return out.toArray();
    }

    private void encodeWord(String word, IntList out) {
        IntList pieces = new IntList();
        int n = word.length();
        for (int i = 0; i < n; ) {
            int found = -1;
            int end = i;
            for (int j = Math.min(n, i + maxTokenLength); j > i; j--) {
                int id = vocabulary.id(word.substring(i, j));
                if (id >= 0) {
                    found = id;
                    end = j;
                    break;
                }
            }
            if (found < 0) {
                pieces = null; // the whole word is unknown
                break;
            }
            pieces.add(found);
            i = end;
        }
        int[] ids = pieces == null ? new int[0] : pieces.toArray();
        if (ids.length == 0) {
            out.add(specialTokens.unknown());
        } else {
            for (int id : ids) {
                out.add(id);
            }
        }
    }

    /** llama.cpp's {@code llm_tokenizer_wpm_session::preprocess}. */
    static List<String> words(String text) {
        String nfd = Normalizer.normalize(text, Normalizer.Form.NFD);
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < nfd.length(); ) {
            int cp = nfd.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (Character.isWhitespace(cp) || isUnicodeWhiteSpace(cp)) {
                flush(word, words);
                continue;
            }
            if (cp == 0 || cp == 0xFFFD || isControl(type) || type == Character.NON_SPACING_MARK) {
                continue; // accents (left as combining marks by NFD) go too, as BERT's uncased models expect
            }
            String lower = Character.toString(Character.toLowerCase(cp));
            if (isPunctuation(type) || (cp < 0x7F && isSymbol(type)) || isChinese(cp)) {
                flush(word, words);
                words.add(lower);
            } else {
                word.append(lower);
            }
        }
        flush(word, words);
        return words;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    private static boolean isUnicodeWhiteSpace(int cp) {
        return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028
                || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    private static boolean isControl(int type) {
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.SURROGATE || type == Character.UNASSIGNED;
    }

    private static boolean isPunctuation(int type) {
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    private static boolean isSymbol(int type) {
        return type == Character.MATH_SYMBOL || type == Character.CURRENCY_SYMBOL
                || type == Character.MODIFIER_SYMBOL || type == Character.OTHER_SYMBOL;
    }

    private static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /** Word-start markers become spaces; the text is the lower-cased, normalized form, not the input. */
    @Override
    public byte[] tokenBytes(int id, boolean renderSpecial) {
        String text = vocabulary.text(id);
        return switch (vocabulary.type(id)) {
            case CONTROL -> renderSpecial ? text.getBytes(StandardCharsets.UTF_8) : new byte[0];
            default -> text.replace(SentencePieceTokenizer.SPACE, ' ').getBytes(StandardCharsets.UTF_8);
        };
    }

    @Override
    public boolean removesLeadingSpace() {
        return true;
    }
}
