package dev.hearth.engine.tinymodel;

import dev.hearth.engine.tokenizer.ByteLevelEncoding;
import dev.hearth.engine.tokenizer.PreTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns a small byte-level BPE vocabulary from a text: the 256 byte tokens, then repeatedly the
 * most frequent adjacent pair (ties broken by the pair's text, so the result is deterministic)
 * becomes a merge and a token.
 */
final class ByteLevelBpeTrainer {

    record Result(List<String> tokens, List<String> merges) {}

    private ByteLevelBpeTrainer() {}

    static Result train(String corpus, PreTokenizer preTokenizer, int maxMerges) {
        Map<String, Integer> wordCounts = new TreeMap<>();
        for (String word : preTokenizer.split(corpus)) {
            wordCounts.merge(ByteLevelEncoding.encode(word.getBytes(StandardCharsets.UTF_8)), 1, Integer::sum);
        }
        List<List<String>> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        wordCounts.forEach((word, count) -> {
            List<String> symbols = new ArrayList<>();
            for (char c : word.toCharArray()) {
                symbols.add(String.valueOf(c));
            }
            words.add(symbols);
            counts.add(count);
        });
        LinkedHashSet<String> tokens = new LinkedHashSet<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelEncoding.charOf(b)));
        }
        List<String> merges = new ArrayList<>();
        for (int m = 0; m < maxMerges; m++) {
            Map<String, Integer> pairCounts = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<String> symbols = words.get(w);
                for (int i = 0; i + 1 < symbols.size(); i++) {
                    pairCounts.merge(symbols.get(i) + " " + symbols.get(i + 1), counts.get(w), Integer::sum);
                }
            }
            String best = null;
            int bestCount = 1;
            for (Map.Entry<String, Integer> e : pairCounts.entrySet()) {
                if (e.getValue() > bestCount || (e.getValue() == bestCount && best != null && e.getKey().compareTo(best) < 0)) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            if (best == null) {
                break; // no pair occurs twice
            }
            merges.add(best);
            int space = best.indexOf(' ');
            String left = best.substring(0, space);
            String right = best.substring(space + 1);
            tokens.add(left + right);
            for (List<String> symbols : words) {
                for (int i = 0; i + 1 < symbols.size(); i++) {
                    if (symbols.get(i).equals(left) && symbols.get(i + 1).equals(right)) {
                        symbols.set(i, left + right);
                        symbols.remove(i + 1);
                    }
                }
            }
        }
        return new Result(List.copyOf(tokens), List.copyOf(merges));
    }
}
