package dev.hearth.engine.tokenizer;

import dev.hearth.engine.gguf.GgufMetadata;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Byte-level BPE ({@code tokenizer.ggml.model = gpt2}), as llama.cpp's {@code llm_tokenizer_bpe}:
 * special tokens cut out first, the rest split into words by the {@link PreTokenizer}, each word
 * mapped to byte-level characters and merged pairwise by merge rank (lowest rank first, leftmost
 * among equals). With {@code ignoreMerges} (Llama 3) a word that is itself a token is taken whole.
 */
public final class BytePairTokenizer implements Tokenizer {

    private final Vocabulary vocabulary;
    private final SpecialTokens specialTokens;
    private final PreTokenizer preTokenizer;
    private final Map<String, Integer> mergeRanks;
    private final boolean ignoreMerges;
    private final SpecialTokenSplitter splitter;

    public BytePairTokenizer(Vocabulary vocabulary, SpecialTokens specialTokens, PreTokenizer preTokenizer,
            String[] merges, boolean ignoreMerges) {
        this.vocabulary = vocabulary;
        this.specialTokens = specialTokens;
        this.preTokenizer = preTokenizer;
        this.ignoreMerges = ignoreMerges;
        this.mergeRanks = HashMap.newHashMap(merges.length);
        for (int rank = 0; rank < merges.length; rank++) {
            mergeRanks.putIfAbsent(merges[rank], rank);
        }
        this.splitter = new SpecialTokenSplitter(vocabulary);
    }

    static BytePairTokenizer fromMetadata(GgufMetadata m) {
        Vocabulary vocabulary = Vocabulary.fromMetadata(m);
        String pre = m.getString("tokenizer.ggml.pre").orElse("default");
        String[] merges = m.getStringArray("tokenizer.ggml.merges")
                .orElseThrow(() -> new IllegalArgumentException("BPE vocabulary without tokenizer.ggml.merges"));
        // llama.cpp sets ignore_merges, and adds BOS unless the file says otherwise, for Llama 3 only
        boolean llama3 = List.of("llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral").contains(pre);
        return new BytePairTokenizer(vocabulary, SpecialTokens.fromMetadata(m, vocabulary, llama3),
                PreTokenizer.forName(pre), merges, llama3);
    }

    @Override
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public SpecialTokens specialTokens() {
        return specialTokens;
    }

    public PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList();
        if (addSpecial && specialTokens.addBos() && specialTokens.bos() >= 0) {
            out.add(specialTokens.bos());
        }
        for (SpecialTokenSplitter.Fragment fragment : splitter.split(text, parseSpecial)) {
            if (fragment.isToken()) {
                out.add(fragment.token());
                continue;
            }
            for (String word : preTokenizer.split(fragment.text())) {
                encodeWord(ByteLevelEncoding.encode(word.getBytes(StandardCharsets.UTF_8)), out);
            }
        }
        if (addSpecial && specialTokens.addEos() && specialTokens.eos() >= 0) {
            out.add(specialTokens.eos());
        }
        return out.toArray();
    }

    private record Bigram(int rank, int left, int right, String text) {}

    private void encodeWord(String word, IntList out) {
        if (ignoreMerges) {
            int whole = vocabulary.id(word);
            if (whole >= 0) {
                out.add(whole);
                return;
            }
        }
        int n = word.length(); // one char per byte
        String[] symbols = new String[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            symbols[i] = String.valueOf(word.charAt(i));
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>(
                (a, b) -> a.rank != b.rank ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            addBigram(symbols, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            String left = symbols[bigram.left];
            String right = symbols[bigram.right];
            if (left.isEmpty() || right.isEmpty() || next[bigram.left] != bigram.right
                    || !bigram.text.equals(left + right)) {
                continue; // outdated: one side was merged since
            }
            symbols[bigram.left] = bigram.text;
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
            } else {
                // not in the vocabulary: fall back to single-byte tokens, skipping any that are missing
                for (int c = 0; c < symbols[i].length(); c++) {
                    int byteToken = vocabulary.id(String.valueOf(symbols[i].charAt(c)));
                    if (byteToken >= 0) {
                        out.add(byteToken);
                    }
                }
            }
        }
    }

    private void addBigram(String[] symbols, int left, int right, PriorityQueue<Bigram> queue) {
        if (left < 0 || right < 0) {
            return;
        }
        Integer rank = mergeRanks.get(symbols[left] + " " + symbols[right]);
        if (rank != null) {
            queue.add(new Bigram(rank, left, right, symbols[left] + symbols[right]));
        }
    }

    @Override
    public byte[] tokenBytes(int id, boolean renderSpecial) {
        String text = vocabulary.text(id);
        return switch (vocabulary.type(id)) {
            case CONTROL -> renderSpecial ? text.getBytes(StandardCharsets.UTF_8) : new byte[0];
            case USER_DEFINED, UNKNOWN -> text.getBytes(StandardCharsets.UTF_8);
            default -> ByteLevelEncoding.decode(text);
        };
    }
}
