package dev.hearth.engine.tokenizer;

import dev.hearth.engine.gguf.GgufMetadata;
import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

/**
 * SentencePiece BPE ({@code tokenizer.ggml.model = llama}), as llama.cpp's {@code llm_tokenizer_spm}:
 * spaces become '▁', a '▁' is prefixed to text at the start and after a special token (when
 * {@code add_space_prefix}), characters are merged pairwise by highest token score (leftmost among
 * equals) while the merged text is a token, and characters left without a token fall back to
 * {@code <0xXX>} byte tokens.
 */
public final class SentencePieceTokenizer implements Tokenizer {

    static final char SPACE = '\u2581'; // ▁

    private final Vocabulary vocabulary;
    private final SpecialTokens specialTokens;
    private final boolean addSpacePrefix;
    private final SpecialTokenSplitter splitter;
    private final int[] byteTokens = new int[256];

    public SentencePieceTokenizer(Vocabulary vocabulary, SpecialTokens specialTokens, boolean addSpacePrefix) {
        this.vocabulary = vocabulary;
        this.specialTokens = specialTokens;
        this.addSpacePrefix = addSpacePrefix;
        this.splitter = new SpecialTokenSplitter(vocabulary);
        for (int b = 0; b < 256; b++) {
            int id = vocabulary.id(String.format("<0x%02X>", b));
            byteTokens[b] = id >= 0 ? id : vocabulary.id(String.valueOf((char) b));
        }
    }

    static SentencePieceTokenizer fromMetadata(GgufMetadata m) {
        Vocabulary vocabulary = Vocabulary.fromMetadata(m);
        return new SentencePieceTokenizer(vocabulary, SpecialTokens.fromMetadata(m, vocabulary, true),
                m.getBoolean("tokenizer.ggml.add_space_prefix").orElse(true));
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
        boolean previousWasSpecial = true; // prefix the first piece with a space
        if (addSpecial && specialTokens.addBos() && specialTokens.bos() >= 0) {
            out.add(specialTokens.bos());
        }
        for (SpecialTokenSplitter.Fragment fragment : splitter.split(text, parseSpecial)) {
            if (fragment.isToken()) {
                out.add(fragment.token());
                previousWasSpecial = true;
                continue;
            }
            String raw = (addSpacePrefix && previousWasSpecial ? " " : "") + fragment.text();
            encodePiece(raw.replace(' ', SPACE), out);
            previousWasSpecial = false;
        }
        if (addSpecial && specialTokens.addEos() && specialTokens.eos() >= 0) {
            out.add(specialTokens.eos());
        }
        return out.toArray();
    }

    private record Bigram(float score, int left, int right, int length) {}

    private void encodePiece(String text, IntList out) {
        int[] codePoints = text.codePoints().toArray();
        int n = codePoints.length;
        if (n == 0) {
            return;
        }
        String[] symbols = new String[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            symbols[i] = Character.toString(codePoints[i]);
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) ->
                a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            addBigram(symbols, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            String left = symbols[bigram.left];
            String right = symbols[bigram.right];
            if (left.isEmpty() || right.isEmpty() || left.length() + right.length() != bigram.length) {
                continue; // outdated
            }
            symbols[bigram.left] = left + right;
            symbols[bigram.right] = "";
            next[bigram.left] = next[bigram.right];
            if (next[bigram.right] >= 0) {
                prev[next[bigram.right]] = bigram.left;
            }
            addBigram(symbols, prev[bigram.left], bigram.left, queue);
            addBigram(symbols, bigram.left, next[bigram.left], queue);
        }
        for (int i = 0; i >= 0; i = next[i]) {
            int id = vocabulary.id(symbols[i]);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            // only single characters can be left without a token: spell them in bytes
            for (byte b : symbols[i].getBytes(StandardCharsets.UTF_8)) {
                int byteToken = byteTokens[b & 0xff];
                out.add(byteToken >= 0 ? byteToken : specialTokens.unknown());
            }
        }
    }

    private void addBigram(String[] symbols, int left, int right, PriorityQueue<Bigram> queue) {
        if (left < 0 || right < 0) {
            return;
        }
        String text = symbols[left] + symbols[right];
        int id = vocabulary.id(text);
        if (id >= 0) {
            queue.add(new Bigram(vocabulary.score(id), left, right, text.length()));
        }
    }

    @Override
    public byte[] tokenBytes(int id, boolean renderSpecial) {
        String text = vocabulary.text(id);
        return switch (vocabulary.type(id)) {
            case CONTROL -> renderSpecial ? text.getBytes(StandardCharsets.UTF_8) : new byte[0];
            case BYTE -> text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")
                    ? new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)}
                    : text.getBytes(StandardCharsets.UTF_8);
            case UNKNOWN -> "\u2585".getBytes(StandardCharsets.UTF_8); // ▅, as llama.cpp renders <unk>
            case USER_DEFINED -> text.getBytes(StandardCharsets.UTF_8);
            default -> text.replace(SPACE, ' ').getBytes(StandardCharsets.UTF_8);
        };
    }

    /** Decoding drops the space {@link #encode} put before the text, as llama.cpp's detokenizer does. */
    @Override
    public boolean removesLeadingSpace() {
        return addSpacePrefix;
    }
}
